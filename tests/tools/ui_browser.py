#!/usr/bin/env python3
"""Drives `gridbackup ui` in headless chromium (tests/cli/ui_browser.sh).

Checks: without the token every request is refused (403, with urllib); a
POST with only the cookie is refused; the API's JSON equals the CLI's
--json; in the browser, the dashboard shows the last snapshot's id, the
snapshot list opens a snapshot, the file browser reaches the file, its
versions list both versions, and downloading the older one gives its old
bytes. Screenshots go to ARTIFACTS/ui-dashboard.png and ui-versions.png."""
import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ap = argparse.ArgumentParser()
for name in ("url", "file", "old", "snapshots", "versions", "cap", "work", "artifacts"):
    ap.add_argument("--" + name, required=True)
a = ap.parse_args()
base = a.url.split("/?token=")[0]
token = a.url.split("token=")[1]
assert base.startswith("http://127.0.0.1:"), base


def fail(msg):
    sys.exit("FAIL: " + msg)


def status_of(path, headers=None, method="GET"):
    req = urllib.request.Request(base + path, headers=headers or {}, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


# The token guards everything: the page, its files, the API, downloads.
for path in ("/", "/app.js", "/api/snapshots", "/api/versions?path=/x", "/api/dump?snapshot=latest&path=/x"):
    code, _, _ = status_of(path)
    if code != 403:
        fail(f"GET {path} without the token answered {code}, not 403")
    code, _, _ = status_of(path, {"X-GridBackup-Token": "0" * 32})
    if code != 403:
        fail(f"GET {path} with a wrong token answered {code}, not 403")
code, _, _ = status_of("/?token=" + "1" * 32)
if code != 403:
    fail(f"a wrong ?token= answered {code}")
code, _, _ = status_of("/api/snapshots", {"Cookie": "gridbackup_token=" + token}, "POST")
if code != 403:
    fail(f"a POST with the cookie but not the header answered {code}, not 403")
print("ok: requests without the token (or a POST without its header) get 403")
code, page, headers = status_of("/?token=" + token)
if code != 200 or b"<title>GridBackup</title>" not in page:
    fail(f"the page with its token answered {code}")
if "HttpOnly" not in headers.get("Set-Cookie", "") or "SameSite=Strict" not in headers.get("Set-Cookie", ""):
    fail("the first page load set no HttpOnly, SameSite=Strict cookie: " + str(headers.get("Set-Cookie")))

# One code path: the API's JSON is the CLI's --json.
auth = {"X-GridBackup-Token": token}
code, body, _ = status_of("/api/snapshots", auth)
snaps = json.loads(body)
if snaps != json.load(open(a.snapshots)):
    fail("/api/snapshots differs from snapshots --json")
code, body, _ = status_of("/api/versions?" + urllib.parse.urlencode({"path": a.file}), auth)
if json.loads(body) != json.load(open(a.versions)):
    fail("/api/versions differs from versions --json")
cap = open(a.cap).read().strip()
for path in ("/api/snapshots", "/api/ls?" + urllib.parse.urlencode({"snapshot": "latest", "path": os.path.dirname(a.file)})):
    if cap[:24].encode() in status_of(path, auth)[1]:
        fail(f"{path} shows the cap")
print("ok: /api/snapshots and /api/versions equal the CLI's --json")
if len(snaps) != 2:
    fail(f"expected 2 snapshots, the API lists {len(snaps)}")
first, last = snaps[0]["short_id"], snaps[1]["short_id"]

downloads = os.path.join(a.work, "downloads")
os.makedirs(downloads, exist_ok=True)
opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,800",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
            "--disable-client-side-phishing-detection", "--metrics-recording-only", "--safebrowsing-disable-auto-update",
            # Nothing but this machine: every other name fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--user-data-dir=" + os.path.join(a.work, "profile")):
    opts.add_argument(arg)
opts.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False,
                                       "safebrowsing.enabled": False})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
try:
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    wait = WebDriverWait(driver, 10)
    started = time.time()
    driver.get(a.url)
    wait.until(EC.text_to_be_present_in_element((By.ID, "last-snapshot"), last))
    if "token=" in driver.current_url:
        fail("the token stays in the address bar: " + driver.current_url)
    if driver.find_element(By.ID, "snapshot-count").text != "2":
        fail("the dashboard does not count 2 snapshots")
    if "complete" not in driver.find_element(By.ID, "last-complete").text:
        fail("the dashboard does not show the last snapshot complete")
    driver.save_screenshot(os.path.join(a.artifacts, "ui-dashboard.png"))
    print(f"ok: the dashboard shows the last snapshot {last}, 2 snapshots, complete")

    driver.find_element(By.ID, "nav-snapshots").click()
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'a.browse[data-snapshot="{last}"]'))).click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "browse-snapshot"), last))
    # Walk down to the file, one directory at a time, as a user would.
    root = snaps[1]["paths"][0]
    rel = os.path.relpath(os.path.dirname(a.file), root)
    at = root
    for part in rel.split("/"):
        at = at + "/" + part
        wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'a.dir[data-path="{at}"]'))).click()
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'a.versions[data-path="{a.file}"]'))).click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f'#versions tr[data-snapshot="{first}"]')))
    rows = driver.find_elements(By.CSS_SELECTOR, "#versions tr[data-snapshot]")
    if [r.get_attribute("data-snapshot") for r in rows] != [last, first]:
        fail("the version history does not list both versions, newest first: " + str([r.text for r in rows]))
    driver.save_screenshot(os.path.join(a.artifacts, "ui-versions.png"))
    print("ok: the version history lists both versions")

    driver.find_element(By.CSS_SELECTOR, f'#versions a.download[data-snapshot="{first}"]').click()
    target = os.path.join(downloads, os.path.basename(a.file))
    deadline = time.time() + 10
    while not os.path.exists(target) and time.time() < deadline:
        time.sleep(0.1)
    if not os.path.exists(target):
        fail("the older version did not download: " + str(os.listdir(downloads)))
    got, want = open(target, "rb").read(), open(a.old, "rb").read()
    if got != want:
        fail(f"the downloaded older version holds {got!r}, not {want!r}")
    print(f"ok: the older version ({first}) downloads with its old bytes; browser part took {time.time() - started:.1f} s")
finally:
    driver.quit()
