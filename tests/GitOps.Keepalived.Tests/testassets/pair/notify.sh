#!/bin/sh
# keepalived's notify hook for host lb-a, written by its gitops agent, which records every line as an event.
# Called as: notify.sh INSTANCE|GROUP <name> <MASTER|BACKUP|FAULT|STOP> <priority>
printf '%s %s %s %s\n' "$(date +%s%3N)" "$2" "$3" "${4:-0}" >> '/run/gitops-keepalived/lb-a/notify.log'
