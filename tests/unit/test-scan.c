/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>
#include "check.h"
int main(void) { return 0; }
