#!/usr/bin/env python3
"""Every test ends what it starts: processes that outlive the test suite are a failure.

  leftovers.py snapshot FILE   record the processes alive now
  leftovers.py check FILE      after the suite: any process started since the snapshot that is
                               still alive (zombies aside) and carries the run's mark is printed,
                               killed, and fails the check

The run's mark is the environment variable TOUCHTIME_CI_RUN, which .ci/test sets to a value of its
own: whatever the suite starts inherits it (and keeps it when it daemonizes, re-parented to init),
while a process that someone else started on the machine meanwhile does not have it. Without the
variable set, every new process counts. The check waits a few seconds first, so a process that is
ending anyway is not counted.
"""
import os
import signal
import sys
import time


def processes():
    """pid -> (parent pid, state, command line) for every process but kernel threads."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        state, parent = fields[0], int(fields[1])
        if not command or state == "Z":
            continue  # kernel threads have no command line; zombies are already dead
        table[int(entry)] = (parent, state, command)
    return table


def marked(pid, mark):
    """Whether the process carries TOUCHTIME_CI_RUN=mark in its environment."""
    if mark is None:
        return True
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f"TOUCHTIME_CI_RUN={mark}".encode() in f.read().split(b"\0")
    except OSError:
        return False


def ancestors(pid, table):
    seen = set()
    while pid in table and pid not in seen:
        seen.add(pid)
        pid = table[pid][0]
    return seen


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("snapshot", "check"):
        sys.exit(__doc__)
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "snapshot":
        with open(path, "w") as f:
            f.write("\n".join(str(pid) for pid in processes()))
        return
    with open(path) as f:
        before = {int(line) for line in f if line.strip()}
    deadline = time.time() + 5
    while True:
        table = processes()
        mine = ancestors(os.getpid(), table)
        left = {pid: info for pid, info in table.items()
                if pid not in before and pid not in mine and marked(pid, os.environ.get("TOUCHTIME_CI_RUN"))}
        if not left or time.time() > deadline:
            break
        time.sleep(0.2)
    if not left:
        print("leftovers: none: every process the suite started has ended")
        return
    print(f"leftovers: {len(left)} process(es) outlived the suite:", file=sys.stderr)
    for pid, (parent, state, command) in sorted(left.items()):
        print(f"  {pid} (parent {parent}, {state}) {command[:160]}", file=sys.stderr)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    sys.exit(1)


if __name__ == "__main__":
    main()
