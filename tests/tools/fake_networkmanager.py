#!/usr/bin/python3
"""A stand-in for NetworkManager on a private D-Bus bus, for the service's
metered-connection test: it owns org.freedesktop.NetworkManager and serves
the one property the service asks for, Metered (NMMetered, type u), on
/org/freedesktop/NetworkManager through org.freedesktop.DBus.Properties
(Get, GetAll), emitting PropertiesChanged when it changes. The value is
read from VALUE_FILE (a number) every 100 ms, so a test flips it with echo.

Usage: fake_networkmanager.py BUS_ADDRESS VALUE_FILE READY_FILE
READY_FILE is written once the name is owned.
"""
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.NetworkManager"
PATH = "/org/freedesktop/NetworkManager"
PROPERTIES = "org.freedesktop.DBus.Properties"


def read_value(path):
    with open(path) as f:
        return int(f.read().strip())


class NetworkManager(dbus.service.Object):
    def __init__(self, bus, value_file):
        super().__init__(bus, PATH)
        self.value_file = value_file
        self.metered = read_value(value_file)

    def properties(self):
        return {"Metered": dbus.UInt32(self.metered)}

    @dbus.service.method(PROPERTIES, in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        if interface != NAME or name not in self.properties():
            raise dbus.exceptions.DBusException(f"no property {interface}.{name}", name="org.freedesktop.DBus.Error.UnknownProperty")
        return self.properties()[name]

    @dbus.service.method(PROPERTIES, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return self.properties() if interface == NAME else {}

    @dbus.service.signal(PROPERTIES, signature="sa{sv}as")
    def PropertiesChanged(self, interface, changed, invalidated):
        pass

    def poll(self):
        value = read_value(self.value_file)
        if value != self.metered:
            self.metered = value
            self.PropertiesChanged(NAME, {"Metered": dbus.UInt32(value)}, [])
        return True


def main():
    address, value_file, ready_file = sys.argv[1:4]
    DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(address)
    name = dbus.service.BusName(NAME, bus)  # noqa: F841 (kept: the name is owned while it lives)
    nm = NetworkManager(bus, value_file)
    GLib.timeout_add(100, nm.poll)
    with open(ready_file, "w") as f:
        f.write("ready\n")
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
