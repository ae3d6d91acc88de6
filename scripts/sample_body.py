#!/usr/bin/env python3
"""Print a /v1/metadata body built from the real samples in Tests/Fixtures/fleet, as issue 10
sized them: the gather-facts of a storage host, N ceph-volume inventory entries and M
`cephadm ls` entries, each entry a sample's with its own device path, serial or daemon id.

    sample_body.py DISKS DAEMONS      e.g. 5 7 (about 11 KB), 24 26 (34 KB), 60 62 (79 KB)

The exporter's format: json.dumps separators (", " and ": "), records in catalog order, a
healthy health object with task_detail, every record scraped a second ago.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Tests", "Fixtures", "fleet")


def load(name):
    with open(os.path.join(FIXTURES, name)) as f:
        return json.load(f)


def main():
    disks, daemons = int(sys.argv[1]), int(sys.argv[2])
    facts = load("gather-facts_ceph-test-configchecks_host-sample_rhel83-xeon.json")
    inventory = load("ceph-volume-inventory_aquarium_qemu-virtio-5disks.json")
    listed = load("cephadm-ls_blog-hadoop102_octopus-15.2.15_7daemons.json")
    entries = []
    for i in range(disks):
        e = json.loads(json.dumps(inventory[i % len(inventory)]))
        name = "vd" + "abcdefghijklmnopqrstuvwxyz"[i % 26] + ("" if i < 26 else str(i // 26))
        e["path"] = "/dev/" + name
        e["sys_api"]["path"] = e["path"]
        if e.get("device_id"):
            e["device_id"] = "%08d" % (1123456 + i * 7919)
        entries.append(e)
    ls = []
    for i in range(daemons):
        e = json.loads(json.dumps(listed[i % len(listed)]))
        kind, _, ident = e["name"].partition(".")
        e["name"] = "%s.%s-%d" % (kind, ident, i)
        e["systemd_unit"] = "ceph-%s@%s" % (e["fsid"], e["name"])
        if e.get("container_id"):
            e["container_id"] = ("%064x" % (0x9E3779B97F4A7C15 * (i + 1)))[-64:]
        ls.append(e)
    now = time.time()
    detail = {"interval_secs": 5.0, "restarts": 0, "consecutive_failures": 0, "last_success_epoch_secs": now - 1}
    health = {"started_epoch_secs": now - 3600,
              "tasks": {"daemons": "active", "disks": "active", "host": "active", "http_server": "active"},
              "errors": [], "task_detail": {"daemons": detail, "disks": detail, "host": detail}}

    def record(data):
        return {"scrape_timestamp": now - 1, "scrape_duration_secs": 0.05, "scrape_errors": [], "data": data}

    body = {"health": health, "host": record(facts), "daemons": record(ls), "disks": record(entries)}
    sys.stdout.write(json.dumps(body))


if __name__ == "__main__":
    main()
