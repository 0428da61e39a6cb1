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
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ap = argparse.ArgumentParser()
for name in ("url", "file", "old", "snapshots", "versions", "cap", "work", "artifacts", "restored", "job", "find", "diff", "status", "grid-page", "grid"):
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
code, _, _ = status_of("/api/restore?snapshot=latest&path=/x&target=/tmp", {"Cookie": "gridbackup_token=" + token}, "POST")
if code != 403:
    fail(f"a restore POST with the cookie but not the header answered {code}, not 403")
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
code, body, _ = status_of("/api/status", auth)
if json.loads(body) != json.load(open(a.status)):
    fail(f"/api/status differs from status --json: {body!r}")
code, body, _ = status_of("/api/grid", auth)
if code != 404 or "not a grid" not in json.loads(body)["error"]:
    fail(f"/api/grid of a repository that is no grid answered {code} {body!r}")
print("ok: /api/snapshots, /api/versions and /api/status equal the CLI's --json; /api/grid is 404 for a plain repository")
for query, why in ((f"snapshot=latest&path={a.file}&target=relative/dir", "absolute target"), (f"snapshot=latest&path={a.file}&target=/tmp&overwrite=sometimes", "--overwrite takes")):
    code, body, _ = status_of("/api/restore?" + query.replace("/", "%2F"), auth, "POST")
    if code != 400 or why not in json.loads(body)["error"]:
        fail(f"a restore with {query} answered {code} {body!r}, not 400 with one sentence")
print("ok: a restore with a relative target or an unknown overwrite mode is refused (400, one sentence)")
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
    # The upload queue as status --json says, and its last day's rate, a bar a minute sampled.
    status = json.load(open(a.status))
    wait.until(EC.presence_of_element_located((By.ID, "rate-chart")))
    if driver.find_element(By.ID, "queue-bytes").text != f"0 B in {status['queued_files']} files" or driver.find_element(By.ID, "queue-eta").text != "0 s":
        fail("the dashboard's queue is not status --json's: " + driver.find_element(By.ID, "queue-bytes").text)
    bars = driver.find_elements(By.CSS_SELECTOR, "#rate-chart rect.rate-sample")
    if not status["rate_history"] or [b.get_attribute("data-minute") for b in bars] != [r["minute"] for r in status["rate_history"]]:
        fail(f"the rate chart's bars {[b.get_attribute('data-minute') for b in bars]} are not status --json's rate_history {status['rate_history']}")
    # No service has run yet: the health as status --json judges it from the repository and the queue.
    wait.until(EC.presence_of_element_located((By.ID, "service-none")))
    health = driver.find_element(By.ID, "health").text
    if health != status["health"]["level"] or health != "OK":
        fail(f"the dashboard's health {health!r} is not status --json's {status['health']} (OK: both snapshots stored)")
    driver.save_screenshot(os.path.join(a.artifacts, "ui-dashboard.png"))
    print(f"ok: the dashboard shows the queue (empty, ETA 0 s) and {len(bars)} minute(s) of upload rate, as status --json")
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
    print(f"ok: the older version ({first}) downloads with its old bytes")

    # Restore the older version to a directory through the page: the job's
    # progress and result shown, the old bytes on disk at TARGET/PATH.
    def restore_through_page(snapshot, mode):
        driver.get(base + "/#versions?" + urllib.parse.urlencode({"path": a.file}))
        wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'#versions a.restore[data-snapshot="{snapshot}"]'))).click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "restore-path"), a.file))
        driver.find_element(By.ID, "restore-target").send_keys(a.restored)
        Select(driver.find_element(By.ID, "restore-overwrite")).select_by_value(mode)
        driver.find_element(By.ID, "restore-start").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, '#job-result[data-state="done"]')))
        job_id = urllib.parse.parse_qs(driver.current_url.split("#job?")[1])["id"][0]
        code, body, _ = status_of("/api/job?id=" + job_id, auth)
        return json.loads(body), driver.find_element(By.ID, "job-summary").text, driver.find_element(By.ID, "job-figures").text

    job, summary, figures = restore_through_page(first, "always")
    on_disk = a.restored + a.file
    if open(on_disk, "rb").read() != open(a.old, "rb").read():
        fail(f"the restore through the page wrote {open(on_disk, 'rb').read()!r} at {on_disk}, not the old bytes")
    size = os.path.getsize(a.old)
    if job["exit_code"] != 0 or job["result"]["files"] != 1 or job["result"]["bytes"] != size or job["result"]["short_id"] != first:
        fail("the restore job's result is not one file of the old version: " + json.dumps(job))
    if (job["files_done"], job["files_total"], job["bytes_done"], job["bytes_total"]) != (1, 1, size, size):
        fail("the restore job's progress does not end at its totals: " + json.dumps(job))
    if "Restored to " + a.restored not in summary or f"1 of 1 files" not in figures:
        fail(f"the page does not show the restore's progress and result: {figures!r} {summary!r}")
    json.dump(job, open(a.job, "w"))
    json.dump(job["result"], open(a.job + ".result", "w"))
    driver.save_screenshot(os.path.join(a.artifacts, "ui-restore.png"))
    print(f"ok: the older version restored through the page to {on_disk} with its old bytes (job {job['id']}: {figures})")
    # --overwrite never keeps it when the newer version is restored over it.
    job, summary, _ = restore_through_page(last, "never")
    if open(on_disk, "rb").read() != open(a.old, "rb").read() or job["result"]["kept"] != 1 or job["result"]["files"] != 0:
        fail("a restore with overwrite 'never' replaced the file: " + json.dumps(job))
    print("ok: overwrite 'never' keeps the file already there")

    # A directory as a tar download: the browser's 'tar' link of docs/.
    root = snaps[1]["paths"][0]
    top = os.path.relpath(a.file, root).split("/")[0]
    driver.get(base + "/#browse?" + urllib.parse.urlencode({"snapshot": snaps[1]["id"], "path": root}))
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'a.tar[data-path="{root}/{top}"]'))).click()
    tar_path = os.path.join(downloads, top + ".tar")
    deadline = time.time() + 10
    while not os.path.exists(tar_path) and time.time() < deadline:
        time.sleep(0.1)
    if not os.path.exists(tar_path):
        fail("the directory's tar did not download: " + str(os.listdir(downloads)))
    time.sleep(0.2)
    with tarfile.open(tar_path) as t:
        names = sorted(m.name for m in t.getmembers())
        inner = os.path.relpath(a.file, os.path.join(root, top, ".."))
        got = t.extractfile(inner).read()
    if inner not in names or got != open(a.file, "rb").read():
        fail(f"the tar of {top}/ holds {names}, {inner} as {got!r}")
    print(f"ok: {top}/ downloads as a tar of {len(names)} entries, {inner} with the last snapshot's bytes")

    # Search: the page's /api/find is find --json's array, and the page lists the file in both snapshots.
    name = os.path.basename(a.file)
    code, body, _ = status_of("/api/find?" + urllib.parse.urlencode({"pattern": name}), auth)
    if json.loads(body) != json.load(open(a.find)):
        fail("/api/find differs from find --json")
    driver.find_element(By.ID, "nav-search").click()
    wait.until(EC.presence_of_element_located((By.ID, "search-pattern"))).send_keys(name)
    driver.find_element(By.ID, "search-start").click()
    wait.until(EC.presence_of_element_located((By.ID, "search-count")))
    found = sorted(r.get_attribute("data-snapshot") for r in driver.find_elements(By.CSS_SELECTOR, f'#matches tr[data-path="{a.file}"]'))
    if found != sorted([first, last]):
        fail(f"the search for {name} lists {a.file} in {found}, not in both snapshots")
    print(f"ok: the search for {name} finds it in both snapshots (as find --json)")

    # Diff: the snapshot list's 'changes' link of the last snapshot lists the changed file, as diff --json.
    code, body, _ = status_of("/api/diff?" + urllib.parse.urlencode({"from": snaps[0]["id"], "to": snaps[1]["id"]}), auth)
    if json.loads(body) != json.load(open(a.diff)):
        fail("/api/diff differs from diff --json")
    driver.find_element(By.ID, "nav-snapshots").click()
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'a.diff-previous[data-snapshot="{last}"]'))).click()
    wait.until(EC.presence_of_element_located((By.ID, "diff-summary")))
    changed = [(r.get_attribute("data-change"), r.get_attribute("data-path")) for r in driver.find_elements(By.CSS_SELECTOR, "#changes tr[data-change]")]
    if ("M", a.file) not in changed:
        fail(f"the diff of {first} to {last} does not list {a.file} as modified: {changed}")
    driver.save_screenshot(os.path.join(a.artifacts, "ui-diff.png"))
    print(f"ok: the diff lists {a.file} modified ({len(changed)} changes, as diff --json)")

    # Timeline: one mark a snapshot in the host's plot.
    driver.find_element(By.ID, "nav-snapshots").click()
    host = snaps[0]["hostname"]
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "svg.timeline")))
    marks = driver.find_elements(By.CSS_SELECTOR, "svg.timeline circle.mark")
    if sorted(m.get_attribute("data-snapshot") for m in marks) != sorted([first, last]):
        fail(f"the timeline has marks {[m.get_attribute('data-snapshot') for m in marks]}, not one per snapshot")
    xs = [float(m.get_attribute("cx")) for m in marks]
    if not xs[0] < xs[1]:
        fail(f"the timeline's marks are not in time order: {xs}")
    driver.save_screenshot(os.path.join(a.artifacts, "ui-timeline.png"))
    print(f"ok: the timeline of {host} has one mark per snapshot, oldest left")

    # A grid's page: its members and their state as grid status --json says (m4 down).
    grid = json.load(open(a.grid))
    grid_base, grid_token = a.grid_page.split("/?token=")
    with urllib.request.urlopen(urllib.request.Request(grid_base + "/api/grid", headers={"X-GridBackup-Token": grid_token}), timeout=10) as r:
        if json.loads(r.read()) != grid:
            fail("the grid page's /api/grid differs from grid status --json")
    driver.get(a.grid_page)
    wait.until(EC.presence_of_element_located((By.ID, "grid-members")))
    rows = [(r.get_attribute("data-member"), r.get_attribute("data-reachable")) for r in driver.find_elements(By.CSS_SELECTOR, "#grid-members tr[data-member]")]
    if rows != [(m["id"], str(m["reachable"]).lower()) for m in grid["members"]] or ("m4", "false") not in rows:
        fail(f"the grid's members on the dashboard are {rows}, not grid status --json's {grid['members']}")
    driver.save_screenshot(os.path.join(a.artifacts, "ui-grid.png"))
    print(f"ok: the grid's dashboard lists its {len(rows)} members, m4 down, as grid status --json")
    print(f"browser part took {time.time() - started:.1f} s")
finally:
    driver.quit()
