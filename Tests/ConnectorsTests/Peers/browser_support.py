"""What the browser peers share: a headless Chromium (Debian's chromium and chromium-driver,
through Selenium) of a given window size, and a look at whether an element left the page."""
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service


def headless_chromium(width, height):
    """A headless Chromium with a `width` x `height` window that waits up to 60 s for elements (a
    busy machine, with the other tests running beside this one, is slow to draw)."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(60)
    return driver


def is_gone(element):
    """Whether `element` left the page. Chromium answers a look at a node of a page it has navigated
    away from either as a stale element or, mid-navigation, as "Node with given id does not belong to
    the document": both mean gone (`staleness_of` knows only the first)."""
    try:
        element.is_enabled()
        return False
    except WebDriverException:  # StaleElementReferenceException is one
        return True
