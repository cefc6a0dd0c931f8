#!/usr/bin/env python3
"""Interoperability check: real RouterOS client libraries against Saring's simulator.

Starts `saring routeros sim` (or any command with the same CLI) on a free loopback port,
then drives it with the PyPI packages `routeros-api` (socialwifi, what the reference
system uses, with plaintext_login=True) and `librouteros`. A second simulator in
pre-7.18 + legacy-login mode checks the MD5 challenge login of both libraries.

    python tests/interop/interop.py --bin target/debug/saring

Exits 0 when every check passed, 1 otherwise (2 when the simulator did not start).
"""

from __future__ import annotations

import argparse
import os
import shlex
import socket
import subprocess
import sys
import time
import traceback

PASSWORD = "interop-Pw1"
HOSTS = 20
FAILURES: list[str] = []


def check(condition: bool, what: str) -> None:
    print(("ok    " if condition else "FAIL  ") + what, flush=True)
    if not condition:
        FAILURES.append(what)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Simulator:
    def __init__(self, prefix: list[str], extra: list[str]):
        self.port = free_port()
        args = prefix + [
            "sim", "--listen", f"127.0.0.1:{self.port}", "--user", "admin", "--password", PASSWORD,
            "--hosts", str(HOSTS), "--seed", "7", "--traffic-interval", "1",
        ] + extra
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline() if self.proc.stdout else ""
            if line:
                print("sim   " + line.rstrip(), flush=True)
            if "listening on" in line:
                return
            if self.proc.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"simulator did not start: {' '.join(args)}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def routeros_api_checks(port: int) -> None:
    import routeros_api
    from routeros_api.exceptions import RouterOsApiCommunicationError

    pool = routeros_api.RouterOsApiPool("127.0.0.1", username="admin", password=PASSWORD, port=port,
                                        plaintext_login=True)
    api = pool.get_api()
    hosts = api.get_resource("/ip/hotspot/host").get()
    check(len(hosts) == HOSTS, f"routeros-api: print /ip/hotspot/host returns {HOSTS} rows (got {len(hosts)})")
    check(all("id" in h and "mac-address" in h and "bytes-in" in h for h in hosts),
          "routeros-api: host rows carry id, mac-address, bytes-in")
    one = api.get_resource("/ip/hotspot/host").get(address=hosts[0]["address"])
    check(len(one) == 1 and one[0]["id"] == hosts[0]["id"], "routeros-api: query ?address= selects one host")

    lists = api.get_resource("/ip/firewall/address-list")
    lists.add(list="klient_aktif", address="172.16.2.10", comment="lpsaring|status=active")
    rows = lists.get(list="klient_aktif")
    check(len(rows) == 1 and rows[0]["address"] == "172.16.2.10", "routeros-api: add + print address-list")
    try:
        lists.add(list="klient_aktif", address="172.16.2.10")
        check(False, "routeros-api: duplicate add raises")
    except RouterOsApiCommunicationError as err:
        text = err.original_message.decode() if isinstance(err.original_message, bytes) else str(err)
        check("already have such entry" in text, f"routeros-api: duplicate add trap text ({text!r})")
    lists.set(id=rows[0]["id"], comment="changed")
    check(lists.get(list="klient_aktif")[0].get("comment") == "changed", "routeros-api: set by id")
    lists.remove(id=rows[0]["id"])
    check(lists.get(list="klient_aktif") == [], "routeros-api: remove; empty print (!empty) is []")
    try:
        lists.remove(id=rows[0]["id"])
        check(False, "routeros-api: remove of a gone id raises")
    except RouterOsApiCommunicationError as err:
        check("no such item" in str(err), "routeros-api: `no such item` trap")
    ident = api.get_resource("/system/identity").get()
    check(ident and ident[0].get("name") == "saring-sim", "routeros-api: /system/identity print")
    pool.disconnect()

    try:
        bad = routeros_api.RouterOsApiPool("127.0.0.1", username="admin", password="wrong", port=port,
                                           plaintext_login=True)
        bad.get_api()
        check(False, "routeros-api: wrong password refused")
    except Exception as err:  # the library raises different classes across versions
        check("invalid user name or password" in str(err), f"routeros-api: wrong password refused ({err})")


def librouteros_checks(port: int) -> None:
    from librouteros import connect
    from librouteros.exceptions import TrapError
    from librouteros.query import Key

    api = connect(host="127.0.0.1", username="admin", password=PASSWORD, port=port)
    hosts = list(api.path("ip", "hotspot", "host"))
    check(len(hosts) == HOSTS, f"librouteros: {HOSTS} hosts")
    al = api.path("ip", "firewall", "address-list")
    new_id = al.add(list="x", address="10.0.0.1")
    check(new_id.startswith("*"), f"librouteros: add returns an id ({new_id})")
    try:
        al.add(list="x", address="10.0.0.1/32")
        check(False, "librouteros: duplicate add raises TrapError")
    except TrapError as err:
        check(err.message == "failure: already have such entry", f"librouteros: trap message ({err.message!r})")
    al.add(list="y", address="10.0.0.2")
    selected = list(al.select(Key(".id"), Key("address")).where(Key("list") == "x"))
    check(len(selected) == 1 and selected[0]["address"] == "10.0.0.1", "librouteros: select/where (?= query)")
    either = list(al.select(Key("address")).where(Key("list").In("x", "y")))
    check(len(either) == 2, "librouteros: In() query with ?#|")
    al.update(**{".id": new_id, "comment": "y"})
    rows = [r for r in al if r[".id"] == new_id]
    check(rows and rows[0].get("comment") == "y", "librouteros: update")
    al.remove(new_id)
    check(all(r[".id"] != new_id for r in al), "librouteros: remove")
    ident = list(api("/system/identity/print"))
    check(ident[0]["name"] == "saring-sim", "librouteros: /system/identity/print")
    api.close()
    try:
        connect(host="127.0.0.1", username="admin", password="wrong", port=port)
        check(False, "librouteros: wrong password refused")
    except TrapError as err:
        check("invalid user name or password" in err.message, "librouteros: wrong password trap")


def legacy_checks(port: int) -> None:
    import routeros_api
    from librouteros import connect
    from librouteros.login import token

    api = connect(host="127.0.0.1", username="admin", password=PASSWORD, port=port, login_method=token)
    check(len(list(api.path("ip", "hotspot", "host"))) == HOSTS, "librouteros: legacy MD5 token login")
    rows = list(api.path("ip", "firewall", "address-list"))
    check(rows == [], "librouteros: pre-7.18 empty print (no !empty)")
    api.close()
    pool = routeros_api.RouterOsApiPool("127.0.0.1", username="admin", password=PASSWORD, port=port,
                                        plaintext_login=True)
    hosts = pool.get_api().get_resource("/ip/hotspot/host").get()
    check(len(hosts) == HOSTS, "routeros-api: plaintext login falls back to the MD5 challenge")
    pool.disconnect()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--bin", help="path of the saring binary (runs `<bin> routeros sim …`)")
    group.add_argument("--sim-cmd", help="command whose subcommand `sim …` starts a simulator, "
                                         "e.g. a wrapper script")
    args = parser.parse_args()
    if args.sim_cmd:
        prefix = shlex.split(args.sim_cmd)
    else:
        binary = args.bin or os.environ.get("SARING_BIN") or "target/debug/saring"
        prefix = [binary, "routeros"]

    sims: list[Simulator] = []
    try:
        try:
            modern = Simulator(prefix, [])
            sims.append(modern)
            legacy = Simulator(prefix, ["--pre-7-18", "--legacy-login"])
            sims.append(legacy)
        except (RuntimeError, OSError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        for name, fn, port in [
            ("routeros-api", routeros_api_checks, modern.port),
            ("librouteros", librouteros_checks, modern.port),
            ("legacy login", legacy_checks, legacy.port),
        ]:
            try:
                fn(port)
            except Exception:  # a library error is a failed check, keep going
                traceback.print_exc()
                check(False, f"{name}: unexpected exception")
    finally:
        for sim in sims:
            sim.stop()
    passed_note = "all interop checks passed" if not FAILURES else f"{len(FAILURES)} interop checks failed"
    print(passed_note)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
