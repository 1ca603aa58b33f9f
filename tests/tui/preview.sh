#!/usr/bin/env bash
# preview (issue 20 item 4) on a fake terminal: the workbench runs on a
# pty whose other end (this script) plays the terminal.  One that answers
# the device attributes query ESC [ c with attribute 4 gets the chart as
# sixel (DCS q ... ST, as large as the chart panel's inside at the cell
# size the pty reports); one that never answers gets "no answer" after
# the short timeout, and sixel anyway after `set preview on`.  (tmux
# without sixel: tests/tui/export.sh.)
set -u
FM=${FLOWMODELS:?FLOWMODELS must name the flowmodels binary}
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
command -v gnuplot >/dev/null || { echo "SKIP: gnuplot missing"; exit 77; }
gnuplot -e 'set terminal' 2>&1 | grep -q sixelgd || { echo "SKIP: gnuplot without sixelgd"; exit 77; }
mkdir -p "${FM_TEST_TMP:-/tmp}"
T=$(mktemp -d "${FM_TEST_TMP:-/tmp}/preview.XXXXXX")
trap 'rm -rf "$T"' EXIT
for i in $(seq 1 300); do
	p=$(( (i * 7919) % 97 + 1 )); [ $((i % 3)) -eq 0 ] && p=$(( p * 13 ))
	echo "2, 6, 0, 0, 0, 0, 0, $i, 0, 0, 0, 3232235694, 50740, 443, 1433962800, 120, 1433962801, 30, $p, $(( p * (40 + i % 1400) )), 1"
done > "$T/flows.csv"

python3 - "$FM" "$T" <<'PY'
import fcntl, os, pty, re, select, struct, sys, termios, time

fm, tmp = sys.argv[1], sys.argv[2]
COLS, ROWS, CW, CH = 120, 40, 10, 20
fails = 0

def bad(msg):
    global fails
    fails += 1
    print('FAIL:', msg)

class Term:
    def __init__(self, answer):
        self.answer = answer      # the DA reply, or None: never answers
        self.out = b''
        self.queries = 0
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ,
                        struct.pack('HHHH', ROWS, COLS, COLS * CW, ROWS * CH))
            os.chdir(tmp)
            env = dict(os.environ, TERM='xterm-256color', LANG='C.UTF-8',
                       LC_ALL='C.UTF-8', XDG_STATE_HOME=tmp + '/state')
            os.execve(fm, [fm], env)
        self.pid, self.fd = pid, fd

    def pump(self, secs):
        end = time.time() + secs
        while time.time() < end:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if not r:
                continue
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            self.out += data
            n = self.out.count(b'\x1b[c')
            while self.queries < n:
                self.queries += 1
                if self.answer:
                    os.write(self.fd, self.answer)

    def wait(self, pat, secs=8):
        end = time.time() + secs
        while time.time() < end:
            if re.search(pat, self.out):
                return True
            self.pump(0.1)
        bad('timed out waiting for %r' % pat)
        return False

    def type(self, line):
        os.write(self.fd, line.encode() + b'\r')

    def sixel(self, since):
        """(width, height) of the first sixel image after offset since."""
        m = re.search(rb'\x1bP[0-9;]*q"1;1;(\d+);(\d+)', self.out[since:])
        if m and b'\x1b\\' in self.out[since + m.end():]:
            return int(m.group(1)), int(m.group(2))
        return None

    def quit(self):
        self.type('quit')
        self.pump(0.5)
        os.write(self.fd, b'y')
        self.pump(0.5)
        try:
            os.kill(self.pid, 9)
        except OSError:
            pass
        os.waitpid(self.pid, 0)

def start(answer):
    t = Term(answer)
    t.wait(rb'fm>')
    t.type('load -i csv_flow flows.csv as d1')
    t.wait(rb'300.{0,16}records')
    t.type('hist d1 -x length -b 0 as h1')
    t.wait(rb'187.{0,16}bins')
    t.pump(0.3)
    return t

def check_image(t, since, what):
    if not t.wait(rb'\x1bP[0-9;]*q"1;1;\d+;\d+', 15):
        bad(what + ': no sixel image')
        return
    t.pump(0.5)
    size = t.sixel(since)
    if not size:
        bad(what + ': the sixel image is not complete')
        return
    w, h = size
    # the chart panel's inside, in whole cells of 10x20 pixels
    if w % CW or h % CH or not (COLS * CW // 2 <= w < COLS * CW) or \
       not (ROWS * CH // 3 <= h < ROWS * CH):
        bad('%s: image %dx%d is not a panel of %dx%d cells' % (what, w, h, CW, CH))

# a terminal with sixel: asked once, answers 4
t = start(b'\x1b[?62;4;22c')
mark = len(t.out)
t.type('preview')
t.wait(rb'the.{0,16}chart.{0,16}as.{0,16}an.{0,16}image')
if t.queries != 1:
    bad('the device attributes were asked %d times' % t.queries)
check_image(t, mark, 'sixel terminal')
# the next key brings the text chart back (the panel is redrawn)
mark = len(t.out)
os.write(t.fd, b'\t')
t.pump(0.5)
if b'\xe2\x94\xa4' not in t.out[mark:]:   # "┤" of the y axis ticks
    bad('the text chart was not redrawn after a key')
# asked once: a second preview does not ask again
t.type('preview')
t.pump(1.5)
if t.queries != 1:
    bad('asked again: %d queries' % t.queries)
t.quit()

# a terminal that never answers
t = start(None)
mark = len(t.out)
t0 = time.time()
t.type('preview')
t.wait(rb'draws.{0,16}no.{0,16}images.{0,16}\(no.{0,16}answer')
if time.time() - t0 > 5:
    bad('no answer took %.1f s' % (time.time() - t0))
if t.sixel(mark):
    bad('sixel sent to a terminal that did not answer')
t.type('set preview on')
t.pump(0.3)
mark = len(t.out)
t.type('preview')
check_image(t, mark, 'set preview on')
t.quit()
sys.exit(1 if fails else 0)
PY
