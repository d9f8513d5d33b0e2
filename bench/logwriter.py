"""The log-capture benchmark's app: 100-byte lines as fast as it can, through Python's buffered stdout
(8 KiB writes, as most apps' stdout is when it is a pipe). Usage: logwriter.py MEGABYTES"""
import sys

n = int(float(sys.argv[1]) * 1e6 / 100)
line = b"x" * 99 + b"\n"
w = sys.stdout.buffer.write
for _ in range(n):
    w(line)
sys.stdout.flush()
