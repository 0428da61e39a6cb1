#!/usr/bin/env python3
"""The service part of tests/cli/ui_browser.sh: with a real `service run`
on the ui's state dir, the dashboard shows the service's health and its last
upkeep of each kind (its first run's snapshot, forget, prune, verify) as
`service status --json` says (/api/service equal to
it), and its buttons reach the service over its control socket: Pause holds
it (service status shows the user's pause), Resume ends that, Back up now
takes a snapshot. Screenshot: ARTIFACTS/ui-service.png."""
import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ap = argparse.ArgumentParser()
for name in ("url", "gb", "cap", "state", "src", "work", "artifacts"):
    ap.add_argument("--" + name, required=True)
a = ap.parse_args()
base, token = a.url.split("/?token=")


def fail(msg):
    sys.exit("FAIL: " + msg)


def gb(*args):
    return json.loads(subprocess.run([a.gb, "--cap-file", a.cap, *args], check=True, capture_output=True, text=True).stdout)


def service_status():
    return gb("service", "status", "--state-dir", a.state, "--json")


def until(seconds, what, check):
    deadline = time.time() + seconds
    while time.time() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.2)
    fail(f"{what} within {seconds} s")


def api(path, method="GET", data=None):
    req = urllib.request.Request(base + path, method=method, data=data, headers={"X-GridBackup-Token": token})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


# The service has judged its health and taken its first snapshot.
mine = lambda: [x for x in gb("snapshots", "--json") if x["paths"] == [a.src]]
upkeep = ("snapshot", "forget", "prune", "verify")
# Its first run: a snapshot of its root, then the day's forget, prune and verify.
until(30, "the service did not take its first snapshot, run its upkeep and judge its health",
      lambda: (lambda s: s["service_running"] and s["health"] and all(j["last_finished"] for j in s["jobs"] if j["job"] in upkeep))(service_status())
      and mine())
code, page = api("/api/service")
cli = service_status()
volatile = lambda s: {**s, "health": {**s["health"], "seconds": 0}, "jobs": [{**j, "seconds_ago": 0} for j in s["jobs"]]}
if code != 200 or volatile(page) != volatile(cli):
    fail(f"/api/service differs from service status --json: {page} vs {cli}")
code, body = api("/api/service/control", "POST", b"command=reboot")
if code != 400 or "pause, resume, backup-now or upload-now" not in body["error"]:
    fail(f"an unknown service command answered {code} {body}")
print("ok: /api/service equals service status --json; an unknown command is refused (400)")

opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,1000", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--user-data-dir=" + os.path.join(a.work, "profile-service")):
    opts.add_argument(arg)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
try:
    wait = WebDriverWait(driver, 10)
    driver.get(a.url)
    wait.until(EC.presence_of_element_located((By.ID, "service")))
    level = driver.find_element(By.ID, "service-health").text
    if level != cli["health"]["level"] or driver.find_element(By.ID, "service-running").text != "running":
        fail(f"the dashboard shows health {level!r}, not {cli['health']['level']!r} of a running service")
    for job in upkeep:
        shown = driver.find_element(By.CSS_SELECTOR, f'#service-jobs tr[data-job="{job}"]').text
        if "never" in shown or not shown.endswith(" ok"):
            fail(f"the dashboard's last {job} is not the service's: {shown}")
    driver.save_screenshot(os.path.join(a.artifacts, "ui-service.png"))
    print(f"ok: the dashboard shows the service running, health {level}, its last {', '.join(upkeep)} (the last: {shown})")

    driver.find_element(By.ID, "pause").click()
    until(5, "Pause on the page did not pause the service", lambda: service_status()["user_pause"])
    wait.until(EC.element_to_be_clickable((By.ID, "resume")))
    if driver.find_element(By.ID, "service-uploads").text != "paused":
        fail("after Pause the dashboard does not show uploads paused")
    print(f"ok: Pause paused the service: {service_status()['paused_for']}")
    driver.find_element(By.ID, "resume").click()
    until(5, "Resume on the page did not end the pause", lambda: service_status()["user_pause"] is None)
    wait.until(EC.element_to_be_clickable((By.ID, "pause")))
    print("ok: Resume ended the pause")
    before = len(mine())
    driver.find_element(By.ID, "backup-now").click()
    until(20, "Back up now on the page took no snapshot", lambda: len(mine()) > before)
    print(f"ok: Back up now took a snapshot of {a.src} ({before} -> {len(mine())})")
finally:
    driver.quit()
