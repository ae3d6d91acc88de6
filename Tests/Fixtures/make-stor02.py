#!/usr/bin/env python3
"""Writes Tests/Fixtures/roots/stor02: a SAS storage host with a SCSI enclosure (a JBOD reached
through two sg devices), a multipathed disk (two paths, one serial, map mpatha), DMI serials,
/dev/disk/by-path links, SCSI addresses, partitions, a BlueStore label and listening sockets.
Rerun after changing it (it replaces the tree), then review the diff."""
import os
import shutil
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'roots', 'stor02')


def write(rel, data, mode=0o644):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)


def mkdir(rel):
    os.makedirs(os.path.join(ROOT, rel), exist_ok=True)
    write(os.path.join(rel, '.keep'), '')


def link(rel, target_rel):
    """A relative symlink at `rel` pointing at `target_rel` (both relative to the root)."""
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(os.path.relpath(os.path.join(ROOT, target_rel), os.path.dirname(path)), path)


def vpd80(serial):
    """SCSI Unit Serial Number VPD page: header (peripheral, page 0x80, length) + padded ASCII."""
    body = serial.ljust(20).encode()
    return bytes([0x00, 0x80, 0x00, len(body)]) + body


shutil.rmtree(ROOT, ignore_errors=True)

# --- /proc, /etc --------------------------------------------------------------------------
write('proc/sys/kernel/hostname', 'stor02.lab.example.net\n')
write('proc/sys/kernel/osrelease', '5.14.0-362.8.1.el9_3.x86_64\n')
write('proc/sys/net/ipv4/ip_nonlocal_bind', '1\n')
write('proc/meminfo', 'MemTotal:       263856448 kB\nMemFree:        201345024 kB\nMemAvailable:   240112640 kB\n')
write('proc/loadavg', '1.25 0.98 0.77 3/1234 56789\n')
write('proc/uptime', '864000.42 1700000.00\n')
cpu = ''
for n in range(4):
    cpu += ('processor\t: %d\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7302P 16-Core Processor\n'
            'physical id\t: 0\nsiblings\t: 4\ncore id\t\t: %d\ncpu cores\t: 2\n\n') % (n, n // 2)
write('proc/cpuinfo', cpu)
write('proc/mounts', '/dev/sda2 / xfs rw 0 0\n/dev/sda1 /boot/efi vfat rw 0 0\nproc /proc proc rw 0 0\n')
write('proc/swaps', 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n')
write('proc/net/if_inet6', '')
hdr = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
write('proc/net/tcp', hdr +
      '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1\n'
      '   1: 0100007F:24E3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1\n'
      '   2: 0A000016:0016 0A000001:D431 01 00000000:00000000 02:000AF0B2 00000000     0        0 1003 4\n'
      '   3: 0A000016:1A85 00000000:0000 0A 00000000:00000000 00:00000000 00000000   167        0 1004 1\n')
hdr6 = '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
write('proc/net/tcp6', hdr6 +
      '   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1\n'
      '   1: 00000000000000000000000000000000:24E3 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2002 1\n')
write('proc/net/udp', hdr +
      '  10: 00000000:007B 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3001 2 0\n'
      '  11: 0A000016:A1B2 08080808:0035 01 00000000:00000000 00:00000000 00000000     0        0 3002 2 0\n')
write('proc/net/udp6', hdr6)
write('etc/os-release', 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\n')

# --- DMI ------------------------------------------------------------------------------------
for name, value in {'sys_vendor': 'Supermicro', 'product_name': 'SSG-6049P-E1CR36L', 'product_family': 'Storage',
                    'bios_version': '3.4', 'bios_date': '11/02/2021', 'chassis_serial': 'C8170AB12N30045',
                    'board_serial': 'ZM19AS012345', 'product_serial': 'S123456X9A01234'}.items():
    write('sys/class/dmi/id/' + name, value + '\n')

# --- SCSI devices ---------------------------------------------------------------------------
SCSI = 'sys/devices/pci0000:00/0000:00:11.0/scsi'


def scsi_device(addr, vendor, model, rev, serial, wwid):
    base = '%s/%s' % (SCSI, addr)
    write(base + '/vendor', vendor + '\n')
    write(base + '/model', model + '\n')
    write(base + '/rev', rev + '\n')
    write(base + '/wwid', wwid + '\n')
    if serial is not None:
        write(base + '/vpd_pg80', vpd80(serial))
    mkdir('%s/bsg/%s' % (base, addr))
    return base


def block(name, devnum, sectors, rotational, device=None, holders=(), slaves=(), partitions=()):
    base = 'sys/block/' + name
    write(base + '/dev', devnum + '\n')
    write(base + '/size', '%d\n' % sectors)
    write(base + '/removable', '0\n')
    write(base + '/ro', '0\n')
    write(base + '/queue/rotational', '%d\n' % rotational)
    write(base + '/queue/logical_block_size', '512\n')
    write(base + '/queue/hw_sector_size', '512\n')
    write(base + '/queue/discard_granularity', '0\n' if rotational else '4096\n')
    write(base + '/queue/nr_requests', '256\n')
    write(base + '/queue/scheduler', '[mq-deadline] kyber bfq none\n')
    mkdir(base + '/holders')
    mkdir(base + '/slaves')
    for h in holders:
        write('%s/holders/%s' % (base, h), '')
    for s in slaves:
        write('%s/slaves/%s' % (base, s), '')
    if device:
        link(base + '/device', device)
    for part, pdev, start, psectors in partitions:
        pbase = '%s/%s' % (base, part)
        write(pbase + '/partition', part[-1] + '\n')
        write(pbase + '/dev', pdev + '\n')
        write(pbase + '/start', '%d\n' % start)
        write(pbase + '/size', '%d\n' % psectors)
        write(pbase + '/ro', '0\n')
        mkdir(pbase + '/holders')
    write('dev/' + name, '')


boot = scsi_device('0:0:0:0', 'ATA', 'SAMSUNG MZ7LH480', 'HXT7404Q', 'S45PNA0M512345', 'naa.5002538e4011a2b3')
block('sda', '8:0', 937703088, 0, boot,
      partitions=[('sda1', '8:1', 2048, 1228800), ('sda2', '8:2', 1230848, 936472207)])
write('dev/sda1', '')
write('dev/sda2', '')
# One SAS disk seen through two HBA ports: sdb and sdc, held by the multipath map dm-0.
path_a = scsi_device('1:0:1:0', 'SEAGATE', 'ST16000NM004J', 'E004', 'ZL2ABCD1', 'naa.5000c500a1b2c3d4')
path_b = scsi_device('2:0:1:0', 'SEAGATE', 'ST16000NM004J', 'E004', 'ZL2ABCD1', 'naa.5000c500a1b2c3d4')
block('sdb', '8:16', 31251759104, 1, path_a, holders=['dm-0'])
block('sdc', '8:32', 31251759104, 1, path_b, holders=['dm-0'])
# A second SAS disk in the enclosure, not multipathed, carrying an old BlueStore label.
lone = scsi_device('1:0:2:0', 'SEAGATE', 'ST16000NM004J', 'E004', 'ZL2EFGH2', 'naa.5000c500a1b2c3e5')
block('sdd', '8:48', 31251759104, 1, lone)
write('dev/sdd', b'bluestore block device\n' + b'\0' * 42)
# The multipath map.
block('dm-0', '253:0', 31251759104, 1, slaves=['sdb', 'sdc'])
write('sys/block/dm-0/dm/name', 'mpatha\n')
write('sys/block/dm-0/dm/uuid', 'mpath-35000c500a1b2c3d4\n')
link('dev/mapper/mpatha', 'dev/dm-0')
# An NVMe drive: no VPD page, the controller's serial attribute instead.
nvme = 'sys/devices/pci0000:00/0000:00:03.0/nvme/nvme0'
write(nvme + '/model', 'SAMSUNG MZQL23T8HCLS-00A07\n')
write(nvme + '/serial', '  S64HNE0T123456      \n')
write(nvme + '/firmware_rev', 'GDC5602Q\n')
block('nvme0n1', '259:0', 7501476528, 0, nvme)
write('sys/block/nvme0n1/wwid', 'eui.36344830541234560025384500000001\n')
# Not disks: a loop device and an md array (Pacific counted both).
block('loop0', '7:0', 0, 0)
block('md127', '9:127', 1024, 0)

# --- by-path links --------------------------------------------------------------------------
for name, dev in {'pci-0000:00:17.0-ata-1': 'sda', 'pci-0000:00:17.0-ata-1-part1': 'sda1',
                  'pci-0000:00:17.0-ata-1-part2': 'sda2', 'pci-0000:00:11.0-sas-exp0x500c0ff0abcdef3f-phy1-lun-0': 'sdb',
                  'pci-0000:00:11.0-sas-exp0x500c0ff0abcdef7f-phy1-lun-0': 'sdc',
                  'pci-0000:00:11.0-sas-exp0x500c0ff0abcdef3f-phy2-lun-0': 'sdd', 'pci-0000:00:03.0-nvme-1': 'nvme0n1'}.items():
    link('dev/disk/by-path/' + name, 'dev/' + dev)

# --- the enclosure, reached through sg4 and sg5 ----------------------------------------------
for sg, addr in (('sg4', '1:0:5:0'), ('sg5', '2:0:5:0')):
    ses = '%s/%s' % (SCSI, addr)
    write(ses + '/vendor', 'SEAGATE\n')
    write(ses + '/model', 'SP-3584-E12\n')
    enc = '%s/enclosure/%s' % (ses, addr)
    write(enc + '/id', '0x500c0ff0abcdef00\n')
    write(enc + '/components', '84\n')
    for slot, target, status in (('1', path_a if sg == 'sg4' else path_b, 'OK'), ('2', lone, 'OK'), ('3', None, 'not installed')):
        comp = '%s/Slot%02d' % (enc, int(slot))
        write(comp + '/slot', slot + '\n')
        write(comp + '/status', status + '\n')
        write(comp + '/fault', '0\n')
        write(comp + '/locate', '1\n' if slot == '2' else '0\n')
        if target:
            link(comp + '/device', target)
    link('sys/class/scsi_generic/%s/device' % sg, ses)

# --- udev database (what blkid and the id builtins recorded) -------------------------------
udev = {
    '8:0': 'E:ID_BUS=ata\nE:ID_MODEL=SAMSUNG_MZ7LH480\nE:ID_SERIAL=SAMSUNG_MZ7LH480_S45PNA0M512345\n'
           'E:ID_SERIAL_SHORT=S45PNA0M512345\nE:ID_PART_TABLE_TYPE=gpt\n',
    '8:1': 'E:ID_BUS=ata\nE:ID_FS_TYPE=vfat\nE:ID_PART_ENTRY_NAME=EFI\\x20System\\x20Partition\n'
           'E:ID_PART_ENTRY_TYPE=c12a7328-f81f-11d2-ba4b-00a0c93ec93b\n',
    '8:2': 'E:ID_BUS=ata\nE:ID_FS_TYPE=xfs\nE:ID_PART_ENTRY_TYPE=0fc63daf-8483-4772-8e79-3d69d8477de4\n',
    '8:16': 'E:ID_BUS=scsi\nE:ID_VENDOR=SEAGATE\nE:ID_MODEL=ST16000NM004J\nE:ID_SCSI_SERIAL=ZL2ABCD1\nE:ID_FS_TYPE=mpath_member\n',
    '8:32': 'E:ID_BUS=scsi\nE:ID_VENDOR=SEAGATE\nE:ID_MODEL=ST16000NM004J\nE:ID_SCSI_SERIAL=ZL2ABCD1\nE:ID_FS_TYPE=mpath_member\n',
    '8:48': 'E:ID_BUS=scsi\nE:ID_VENDOR=SEAGATE\nE:ID_MODEL=ST16000NM004J\nE:ID_SCSI_SERIAL=ZL2EFGH2\n',
    '253:0': 'E:DM_NAME=mpatha\nE:DM_UUID=mpath-35000c500a1b2c3d4\nE:ID_SERIAL=35000c500a1b2c3d4\n',
    '259:0': 'E:ID_MODEL=SAMSUNG MZQL23T8HCLS-00A07\nE:ID_SERIAL_SHORT=S64HNE0T123456\n'
             'E:ID_SERIAL=SAMSUNG MZQL23T8HCLS-00A07_S64HNE0T123456\n',
}
for devnum, text in udev.items():
    write('run/udev/data/b' + devnum, text)
mkdir('sys/class/net')
