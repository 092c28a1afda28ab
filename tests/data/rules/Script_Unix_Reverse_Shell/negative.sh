#!/bin/sh
# check that a port answers
nc -z 192.0.2.1 443 && echo open
