#!/bin/sh
# PID 1 of the User-Mode Linux guest that runs the netem layer (netns/uml.ts boots it with a
# hostfs root, so the guest sees the host's files: node, the repository, the results folder).
# Kernel command-line words the kernel does not know (UML_SCRIPT=...) arrive here as environment
# variables. The script's exit status goes to /proc/exitcode, which becomes the exit status of
# the host's `linux` process; then the guest powers off at once.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The console is a tty: keep node and tc from colouring what the host reads.
export HOME=/root LANG=C TERM=dumb NO_COLOR=1

finish() {
  echo "aeronet-uml: exit status $1"
  echo "$1" > /proc/exitcode 2>/dev/null
  sync
  echo o > /proc/sysrq-trigger
  sleep 30
}

mount -t proc proc /proc || finish 90
mount -t sysfs sysfs /sys
grep -q ' /dev ' /proc/mounts || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm
# A private /run: `ip netns add` keeps its namespaces in /run/netns, which must not be the host's.
mount -t tmpfs -o mode=755 tmpfs /run
hostname aeronet-uml
ip link set lo up

# veth, netem and tbf ship as modules of the package's kernel; none has dependencies.
MODDIR=/usr/lib/uml/modules/$(uname -r)/kernel
for m in drivers/net/veth net/sched/sch_netem net/sched/sch_tbf; do
  insmod "$MODDIR/$m.ko" || { echo "aeronet-uml: insmod $MODDIR/$m.ko failed"; finish 91; }
done
echo "aeronet-uml: ready in $(cut -d' ' -f1 /proc/uptime) s"

if [ -z "${UML_SCRIPT:-}" ]; then echo "aeronet-uml: no UML_SCRIPT"; finish 92; fi
sh "$UML_SCRIPT"
finish $?
