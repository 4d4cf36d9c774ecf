#!/usr/bin/env python3
"""Drives the approvals dashboard in a real headless Chromium (Debian's chromium and
chromium-driver, through Selenium): signs in with a token, reads the pending approval and its
evidence, approves it with one click, and saves a screenshot of the page before the click.

  dashboard_browser.py BASE_URL TOKEN SCREENSHOT.png

Prints one JSON line: what the browser saw.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait


def main():
    base, token, screenshot = sys.argv[1:4]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=420,1400"):
        options.add_argument(flag)  # a phone-sized window
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(15)  # a busy machine (the other tests run beside this one) is slow to draw
    seen = {}
    try:
        driver.get(base + "/approvals")
        seen["redirected_to_login"] = driver.current_url.endswith("/login")
        driver.find_element(By.NAME, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        WebDriverWait(driver, 15).until(lambda d: not d.current_url.endswith("/login"))
        seen["after_sign_in"] = driver.current_url[len(base):]
        approval = driver.find_element(By.CSS_SELECTOR, "section.approval")
        seen["heading"] = approval.find_element(By.TAG_NAME, "h2").text
        seen["why"] = approval.find_element(By.CSS_SELECTOR, "p.why").text
        seen["evidence"] = approval.find_element(By.CSS_SELECTOR, "dl.evidence").text
        driver.save_screenshot(screenshot)
        approval.find_element(By.CSS_SELECTOR, "button.approve").click()
        # The form posts, the server answers 303, the browser loads the list again.
        WebDriverWait(driver, 10).until(staleness_of(approval))
        seen["after_approve"] = driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
