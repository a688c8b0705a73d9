#!/usr/bin/env bash
# The stand-ins start no processes; nothing to stop (their files go with $QWEX_E2E_STATE).
exit 0
