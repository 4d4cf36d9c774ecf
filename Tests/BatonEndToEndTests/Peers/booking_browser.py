#!/usr/bin/env python3
"""Opens a booking link in a real headless Chromium (Debian's chromium and chromium-driver,
through Selenium), phone-sized, with JavaScript off as far as the page is concerned (it has none):
reads the lead's name and the offered times, then picks the first time and submits the form in
two tabs opened before either submit (the same form sent twice, as a lead with two tabs or a
double tap would), and saves a screenshot of the page before the first submit.

  booking_browser.py LINK SCREENSHOT.png

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
    link, screenshot = sys.argv[1:3]
    driver = headless_chromium(390, 844)  # phone-sized
    seen = {}
    try:
        driver.get(link)
        first = driver.current_window_handle
        seen["title"] = driver.title
        seen["greeting"] = driver.find_element(By.TAG_NAME, "p").text
        seen["legend"] = driver.find_element(By.TAG_NAME, "legend").text
        seen["times"] = [label.text for label in driver.find_elements(By.CSS_SELECTOR, "fieldset label")]
        seen["values"] = [
            radio.get_attribute("value") for radio in driver.find_elements(By.CSS_SELECTOR, "input[name=start]")
        ]
        driver.implicitly_wait(0)  # counting what should be absent: no waiting for it to appear
        seen["scripts"] = len(driver.find_elements(By.TAG_NAME, "script"))
        driver.implicitly_wait(60)
        driver.save_screenshot(screenshot)
        # A second tab with the same page, before anything is sent.
        driver.switch_to.new_window("tab")
        second = driver.current_window_handle
        driver.get(link)
        seen["after_submit"] = []
        for handle in (first, second):
            driver.switch_to.window(handle)
            radio = driver.find_elements(By.CSS_SELECTOR, "input[name=start]")[0]
            radio.click()
            button = driver.find_element(By.CSS_SELECTOR, "form button")
            button.click()
            WebDriverWait(driver, 60).until(lambda d: is_gone(button))
            seen["after_submit"].append(driver.find_element(By.TAG_NAME, "body").text)
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
