#!/usr/bin/env python3
"""daytree.py - a day of nfcapd files, made by nfcapd, as a capture tree.

Runs PARALLEL instances of Debian's nfcapd on 127.0.0.1 with `-t 2` (a new
file every 2 seconds, the shortest rotation nfcapd allows) and feeds each,
right after each of its rotations, one burst of FLOWS NetFlow v9 flows
(tests/tools/nf9send.py's generator, without its flows of 2^32 packets,
which per-second series would spread packet by packet), sent in the
middle of a 2-second window (nfcapd rotates at even seconds), whose times
lie in one 5-minute slot
of DATE (UTC).  The closed files (nfcapd.YYYYMMDDhhmmss) are then read back
with flowmodels (-i nfcapd) only to learn their slot, checked to hold
exactly one burst, and renamed into OUT/YYYY/MM/DD/nfcapd.YYYYMMDDhhmm as a
collector with `-t 300 -S 1` names them; empty files are dropped.  The
flows of every slot, in slot order, go to --csv: what reading the tree in
time order must give.  --raw DIR keeps the files as nfcapd named them.

  daytree.py --flowmodels BIN --out TREE --csv FILE [--files 288]
             [--flows 50] [--parallel 48] [--date 2024-01-01] [--seed 1]
             [--raw DIR]

Standard library only (and nfcapd).  Exit 2 when nfcapd cannot be started,
1 when the collected files do not match the bursts sent.
"""
import argparse
import calendar
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nf9send  # noqa: E402

SLOT_MS = 300000


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def closed(d):
    return sorted(f for f in os.listdir(d) if f.startswith("nfcapd.2"))


def burst(slot, a, day_ms):
    """The datagrams and csv rows of one slot."""
    rows = []

    class Rows:
        def write(self, line):
            rows.append(line)
    dgrams = list(nf9send.packets(a.flows, a.seed * 100003 + slot, Rows(),
                                  base=day_ms + slot * SLOT_MS + 1000,
                                  big_ok=False))
    return dgrams, rows


def collect(a, work, day_ms):
    """Run the collectors; returns {slot: rows}."""
    k = (a.files + a.parallel - 1) // a.parallel
    inst = []
    sent = {}
    # made beforehand: a window has time only for sending
    bursts = [burst(slot, a, day_ms) for slot in range(a.files)]
    try:
        for i in range(a.parallel):
            d = os.path.join(work, "c%02d" % i)
            os.makedirs(d)
            port = free_port()
            log = open(os.path.join(work, "c%02d.log" % i), "w")
            p = subprocess.Popen(["nfcapd", "-w", d, "-p", str(port), "-b",
                                  "127.0.0.1", "-t", "2", "-B", "4000000"],
                                 stdout=log,
                                 stderr=subprocess.STDOUT)
            slots = [s for s in range(i * k, min((i + 1) * k, a.files))]
            inst.append({"dir": d, "port": port, "proc": p, "slots": slots})
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # nfcapd -t 2 rotates at even seconds of the clock: each burst goes
        # in the middle of a window, so that it lands in one file
        time.sleep(0.5)
        for c in inst:
            if c["proc"].poll() is not None:
                print("daytree: nfcapd exited (see %s.log)" % c["dir"],
                      file=sys.stderr)
                sys.exit(2)
        for j in range(k + 1):
            now = time.time()
            t = (int(now) // 2) * 2 + 2.9
            if t - now > 2:
                t -= 2
            time.sleep(t - now)
            if j == 0:
                continue    # the first window may have started early
            for c in inst:
                if j - 1 < len(c["slots"]):
                    slot = c["slots"][j - 1]
                    dgrams, rows = bursts[slot]
                    for g in dgrams:
                        sock.sendto(g, ("127.0.0.1", c["port"]))
                    sent[slot] = rows
        time.sleep(2.2)     # the last burst's file is closed by a rotation
    finally:
        for c in inst:
            if c["proc"].poll() is None:
                c["proc"].send_signal(signal.SIGTERM)
        for c in inst:
            try:
                c["proc"].wait(10)
            except subprocess.TimeoutExpired:
                c["proc"].kill()
    return inst, sent


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flowmodels", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--files", type=int, default=288)
    ap.add_argument("--flows", type=int, default=50)
    ap.add_argument("--parallel", type=int, default=48)
    ap.add_argument("--date", default="2024-01-01")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--raw")
    a = ap.parse_args()
    if a.files > 288:
        ap.error("a day has 288 slots of 5 minutes")
    day = calendar.timegm(time.strptime(a.date, "%Y-%m-%d"))
    work = tempfile.mkdtemp(prefix="daytree.", dir=os.path.dirname(
        os.path.abspath(a.out)))
    try:
        inst, sent = collect(a, work, day * 1000)
        got = {}
        for c in inst:
            for f in closed(c["dir"]):
                path = os.path.join(c["dir"], f)
                out = subprocess.run([a.flowmodels, "convert", "-q", "-i",
                                      "nfcapd", path], capture_output=True,
                                     text=True, check=True).stdout
                lines = out.splitlines(True)
                if not lines:
                    continue
                slot = (int(lines[0].split(", ")[14]) - day) * 1000 // SLOT_MS
                if slot in got or slot not in sent or lines != sent[slot]:
                    print("daytree: %s does not hold exactly the burst of "
                          "slot %d" % (path, slot), file=sys.stderr)
                    return 1
                got[slot] = path
        if sorted(got) != list(range(a.files)):
            print("daytree: %d of %d slots collected" % (len(got), a.files),
                  file=sys.stderr)
            return 1
        with open(a.csv, "w") as out:
            for slot in range(a.files):
                t = time.gmtime(day + slot * SLOT_MS // 1000)
                d = os.path.join(a.out, time.strftime("%Y/%m/%d", t))
                os.makedirs(d, exist_ok=True)
                shutil.copyfile(got[slot], os.path.join(
                    d, time.strftime("nfcapd.%Y%m%d%H%M", t)))
                out.writelines(sent[slot])
        if a.raw:
            for c in inst:
                shutil.copytree(c["dir"], os.path.join(
                    a.raw, os.path.basename(c["dir"])))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
