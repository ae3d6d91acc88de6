#!/usr/bin/python3
"""Runs Debian's cephadm (the Pacific reference, 16.2.15) for the conformance tests.

Its code runs unchanged; only what would touch the machine or take long is redirected:
- its log file and logrotate entry go to $CONFORMANCE_TMP instead of /var/log/ceph and
  /etc/logrotate.d;
- with PACIFIC_EXPORTER_FAST=1 the exporter's scrape intervals (5/20/20 s) and its 5 s
  thread check become 1 s, so a test reaches the steady state in seconds.

Usage: run-cephadm.py [cephadm arguments...]; PACIFIC_CEPHADM names the script
(default /usr/sbin/cephadm)."""
import importlib.machinery
import importlib.util
import os
import sys

path = os.environ.get('PACIFIC_CEPHADM', '/usr/sbin/cephadm')
tmp = os.environ['CONFORMANCE_TMP']
loader = importlib.machinery.SourceFileLoader('cephadm', path)
spec = importlib.util.spec_from_loader('cephadm', loader)
cephadm = importlib.util.module_from_spec(spec)
loader.exec_module(cephadm)

cephadm.LOG_DIR = tmp
cephadm.logging_config['handlers']['log_file']['filename'] = os.path.join(tmp, 'cephadm.log')

if os.environ.get('PACIFIC_EXPORTER_FAST') == '1':
    daemon = cephadm.CephadmDaemon
    daemon.thread_check_interval = 1
    create = daemon._create_thread

    def create_fast(self, target, name, refresh_interval=None):
        return create(self, target, name, 1 if refresh_interval else None)

    daemon._create_thread = create_fast

sys.argv = [path, '--logrotate-dir', tmp] + sys.argv[1:]
cephadm.main()
