#!/bin/sh
# Health check of host lb-a's HAProxy, written by its gitops agent; keepalived runs it every second.
# Passes while this host's own HAProxy answers on its admin socket.
reply=$(echo 'show info' | '/usr/bin/socat' -T 1 - 'UNIX-CONNECT:/run/gitops-haproxy/lb-a/admin.sock' 2>/dev/null) || exit 1
case "$reply" in
  *"Name: HAProxy"*) exit 0 ;;
esac
exit 1
