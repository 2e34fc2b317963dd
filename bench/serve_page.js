/*
 * serve_page.js — times the workbench of `entente serve` in Debian's Chromium (headless,
 * puppeteer-core from web/node_modules), as a user meets it: the page opened until the tables
 * are shown, one cell edited until its check has come back, and Run (the command and model
 * given) until the answer and its charts are drawn. Run by bench_serve.sh:
 *   node serve_page.js URL COMMAND MODEL
 * Prints one line: "open S edit S run S".
 */
'use strict';
const puppeteer = require('puppeteer-core');
const [url, command, model] = process.argv.slice(2);

(async () => {
  const browser = await puppeteer.launch({executablePath: process.env.ENTENTE_CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking']});
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(900000);
    await page.setViewport({width: 1400, height: 1000});
    let t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector('body[data-status="ready"]');
    const open = (Date.now() - t0) / 1000;
    const cell = 'td.cell[data-path="/actors/0/capability"] input';
    const old = await page.$eval(cell, e => e.value);
    t0 = Date.now();
    await page.click(cell, {clickCount: 3});
    await page.keyboard.type(String(Number(old) + 1));
    await page.waitForSelector('body[data-validated="1"]');
    const edit = (Date.now() - t0) / 1000;
    await page.select('#run-command', command);
    if (model) await page.select('#run-model', model);
    t0 = Date.now();
    await page.click('#run-button');
    await page.waitForSelector('body[data-run="running"]', {timeout: 5000}).catch(() => {});
    await page.waitForSelector('body[data-run="idle"]');
    await page.waitForSelector('body[data-charts="ready"]');
    const run = (Date.now() - t0) / 1000;
    console.log(`open ${open.toFixed(2)} edit ${edit.toFixed(2)} run ${run.toFixed(2)}`);
  } finally {
    await browser.close();
  }
})().catch(e => { console.error('serve_page.js: ' + e.message); process.exit(1); });
