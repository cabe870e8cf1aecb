#!/bin/bash
# Reader of keepalived's notify FIFO for host lb-a, written by its gitops agent, which records every line as an event.
# keepalived runs it with the FIFO as its argument and writes one line per state change, in the order they happen:
#   INSTANCE "<name>" <MASTER|BACKUP|FAULT|STOP> <priority>
# Each is appended to the notify log as: <unix ms> <name> <state> <priority>. Other lines (GROUP, priority changes) are skipped.
set -f
log='/run/gitops-keepalived/lb-a/notify.log'
stopping= stopped=
# keepalived sends SIGTERM when it reloads or stops; stopping, it writes the STOP lines after it: the reader reads on.
trap 'stopping=1' TERM
# Open the FIFO first: a reload closes and replaces it, and lines in it are lost unless a reader has it open.
exec 9<"${1:?keepalived passes the FIFO as the argument}"
# One reader at a time: after a reload or a restart this one waits until the last has written its lines.
exec 8>>'/run/gitops-keepalived/lb-a/notify.lock'
'/usr/bin/flock' -w 5 8 || :
record() {
    [[ $1 == INSTANCE && $3 =~ ^(MASTER|BACKUP|FAULT|STOP)$ && $4 =~ ^[0-9]+$ ]] || return 0
    # keepalived quotes the name; EPOCHREALTIME is seconds and microseconds, the separator depending on the locale.
    local name=${2//\"/} now=${EPOCHREALTIME//[!0-9]/}
    [[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || return 0
    [[ $3 != STOP ]] || stopped=1
    printf '%s %s %s %s\n' "${now:0:-3}" "$name" "$3" "$4" >> "$log"
}
pending=
while :; do
    # Running: wait for a line as long as it takes. Stopping: wait for the STOP lines, then until the FIFO is
    # quiet for 0.2 s (keepalived closes it only once the reader has exited, and kills the reader 1 s after SIGTERM).
    if [[ -z $stopping ]]; then limit=(); elif [[ -z $stopped ]]; then limit=(-t 0.8); else limit=(-t 0.2); fi
    if IFS= read -r "${limit[@]}" chunk <&9; then
        record $pending$chunk
        pending=
    else
        # A timeout keeps what it read of a line. The end of the FIFO (closed by a reload) or quiet ends the reader.
        status=$?
        pending+=$chunk
        [[ $status -gt 128 && -n $pending ]] || break
    fi
done
