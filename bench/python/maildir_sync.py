"""The peer of bench/js/sync-maildir.mjs: a plain POP3-to-Maildir sync in Python, as a careful
script would write it. poplib fetches, mailbox.Maildir delivers, an append-only log of UIDs
remembers what is stored. Durability as ours promises it: each delivered message is fsync'd
(file and new/) before its UID is logged, and each log record is fsync'd.

usage: maildir_sync.py HOST PORT USER PASSWORD MAILDIR
prints: seconds fetched
"""
import mailbox
import os
import poplib
import sys
import time

host, port, user, password, target = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
start = time.perf_counter()
maildir = mailbox.Maildir(target, factory=None, create=True)
log_path = os.path.join(target, "uids.log")
seen = set()
if os.path.exists(log_path):
    with open(log_path, "rb") as f:
        seen = {line.rstrip(b"\n") for line in f if line.endswith(b"\n")}
new_dir = os.open(os.path.join(target, "new"), os.O_RDONLY)
log = open(log_path, "ab")

pop = poplib.POP3(host, port, timeout=600)
pop.user(user)
pop.pass_(password)
fetched = 0
for entry in pop.uidl()[1]:
    number, uid = entry.split(b" ", 1)
    if uid in seen:
        continue
    _, lines, _ = pop.retr(int(number))
    key = maildir.add(b"\r\n".join(lines) + b"\r\n")
    # A message added as bytes lands in new/ under its key (Maildir._lookup would rescan).
    fd = os.open(os.path.join(target, "new", key), os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    os.fsync(new_dir)
    log.write(uid + b"\n")
    log.flush()
    os.fsync(log.fileno())
    fetched += 1
pop.quit()
log.close()
os.close(new_dir)
print(time.perf_counter() - start, fetched)
