#!/usr/bin/env python3
"""Drives the approvals dashboard in a real headless Chromium (Debian's chromium and
chromium-driver, through Selenium): signs in with a token, reads the pending approval and its
evidence, approves it with one click, and saves a screenshot of the page before the click.

  dashboard_browser.py BASE_URL TOKEN SCREENSHOT.png

Prints one JSON line: what the browser saw.
"""
import json
import sys
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "ConnectorsTests" / "Peers"))
from browser_support import headless_chromium, is_gone  # noqa: E402


def main():
    base, token, screenshot = sys.argv[1:4]
    driver = headless_chromium(420, 1400)  # phone-sized
    seen = {}
    try:
        driver.get(base + "/approvals")
        seen["redirected_to_login"] = driver.current_url.endswith("/login")
        driver.find_element(By.NAME, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        WebDriverWait(driver, 60).until(lambda d: not d.current_url.endswith("/login"))
        seen["after_sign_in"] = driver.current_url[len(base):]
        approval = driver.find_element(By.CSS_SELECTOR, "section.approval")
        seen["heading"] = approval.find_element(By.TAG_NAME, "h2").text
        seen["why"] = approval.find_element(By.CSS_SELECTOR, "p.why").text
        seen["evidence"] = approval.find_element(By.CSS_SELECTOR, "dl.evidence").text
        driver.save_screenshot(screenshot)
        approval.find_element(By.CSS_SELECTOR, "button.approve").click()
        # The form posts, the server answers 303, the browser loads the list again.
        WebDriverWait(driver, 60).until(lambda d: is_gone(approval))
        seen["after_approve"] = driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
