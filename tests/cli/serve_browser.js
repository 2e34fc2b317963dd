/*
 * serve_browser.js — drives the workbench of `entente serve` in Debian's Chromium (headless,
 * puppeteer-core from web/node_modules; no browser download). Run by test_serve_browser.sh:
 *   node serve_browser.js URL SCREENSHOT_DIR
 * Loads the bundled scenario, runs forecast, changes a salience in the table, runs again and
 * checks that the answer and its chart changed (base and what-if side by side); types a bad
 * value and checks its message is shown on the cell; adds an issue (id, scale labels, a position
 * and salience for every actor, pasted) and sees it in the forecast; saves, reloads and checks the
 * table (and the labels) are the same; removes the issue; moves an issue up (the columns follow,
 * the order survives save and reload) and back down; opens the war scenario and runs war, opens a
 * small file with outcomes and runs backtest (progress line and answers shown); opens a scenario
 * of 250 actors (the table in pages of 100: pager, find, a paste across a page's foot, a message's
 * "show"; a run without its trace, its JSON written out when opened); opens a scenario
 * whose names are markup and checks they stay text. Prints "ok" or throws.
 */
'use strict';
const puppeteer = require('puppeteer-core');
const fs = require('fs'), os = require('os'), path = require('path');
const url = process.argv[2], shots = process.argv[3];
const browserPath = process.env.ENTENTE_CHROMIUM || '/usr/bin/chromium';

function check(cond, message) { if (!cond) throw new Error(message); }

(async () => {
  const browser = await puppeteer.launch({
    executablePath: browserPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking']
  });
  const errors = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', e => errors.push('page error: ' + e.message));
    page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
    page.setDefaultTimeout(90000);
    await page.setViewport({width: 1400, height: 1000});
    await page.goto(url);
    await page.waitForSelector('body[data-status="ready"]');
    const salience = '/actors/0/positions/territory/salience';
    const cell = `td.cell[data-path="${salience}"] input`;
    await page.waitForSelector(cell);
    check(await page.$eval(cell, e => e.value) === '0.95', 'the table does not show UKR\'s salience on territory as in the file');

    async function runForecast() {
      await page.select('#run-command', 'forecast');
      await page.$eval('#run-draws', e => { e.value = '200'; });
      await page.click('#run-button');
      await page.waitForSelector('body[data-run="running"]', {timeout: 5000}).catch(() => {});
      await page.waitForSelector('body[data-run="idle"]');
      await page.waitForSelector('body[data-charts="ready"]');
    }
    await runForecast();
    const answer = () => page.$$eval('#result-latest li[data-issue]', l => l.map(x => x.textContent).join('\n'));
    const chart = () => page.$eval('#result-latest .chart svg.marks', e => e.innerHTML);
    const before = await answer(), chartBefore = await chart();
    check(before.includes('Donetsk'), 'no answer after running forecast: ' + before.slice(0, 200));

    /* Change a salience in the table (as a user types it) and run again. */
    await page.click(cell, {clickCount: 3});
    await page.keyboard.type('0.05');
    await page.waitForSelector('body[data-validated="1"]');
    await runForecast();
    await page.waitForSelector('#result-base');
    const after = await answer(), chartAfter = await chart();
    check(after !== before, 'the answer did not change after the salience change');
    check(chartAfter !== chartBefore, 'the chart did not change after the salience change');
    const baseAnswer = await page.$$eval('#result-base li[data-issue]', l => l.map(x => x.textContent).join('\n'));
    check(baseAnswer === before, 'the base case is not kept beside the what-if');
    if (shots) await page.screenshot({path: shots + '/serve-1400.png', fullPage: false});

    /* A bad value: its message on the cell. */
    const cap = 'td.cell[data-path="/actors/1/capability"]';
    const oldCap = await page.$eval(cap + ' input', e => e.value);
    await page.click(cap + ' input', {clickCount: 3});
    await page.keyboard.type('abc');
    await page.waitForSelector(cap + '.invalid');
    const message = await page.$eval(cap + ' .cell-message', e => e.textContent);
    check(/not a number/.test(message), 'the message on the cell is not the validation message: ' + message);
    if (shots) {
      await page.$eval('#actors-table', e => e.scrollIntoView());
      await page.screenshot({path: shots + '/serve-table-1400.png', fullPage: false});
    }
    await page.click(cap + ' input', {clickCount: 3});
    await page.keyboard.type(oldCap);
    await page.waitForFunction(c => !document.querySelector(c + '.invalid'), {}, cap);

    /* A block pasted from a spreadsheet fills the cells from the one it is pasted into. */
    const pasteAt = 'td.cell[data-path="/actors/2/positions/territory/position"] input';
    const next = '/actors/2/positions/territory/public', below = '/actors/3/positions/territory/position';
    const keep = await page.$$eval('td.cell input', l => l.map(x => [x.getAttribute('data-path'), x.value]));
    await page.$eval(pasteAt, e => {
      const data = new DataTransfer();
      data.setData('text/plain', '41\t42\n43\t\n');
      e.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    });
    const value = p => page.$eval(`td.cell[data-path="${p}"] input`, e => e.value);
    check(await value('/actors/2/positions/territory/position') === '41' && await value(next) === '42' && await value(below) === '43',
          'paste did not fill the block: ' + [await value('/actors/2/positions/territory/position'), await value(next), await value(below)]);
    /* Put the values back as they were (typed, as a user would). */
    for (const [p, v] of keep.filter(([p]) => p === '/actors/2/positions/territory/position' || p === next || p === below)) {
      await page.click(`td.cell[data-path="${p}"] input`, {clickCount: 3});
      if (v) await page.keyboard.type(v); else await page.keyboard.press('Backspace');
    }
    await page.waitForSelector('body[data-validated="1"]');

    /* A new issue: added in the table, renamed, given scale labels and (by a pasted block) a
     * position and salience for every actor; the forecast then answers on it too. */
    await page.click('#add-issue');
    const newId = 'td.cell[data-path^="/issues/"][data-path$="/id"] input';
    const idBox = (await page.$$(newId)).pop();
    await idBox.click({clickCount: 3});
    await page.keyboard.type('ceasefire');
    await page.keyboard.press('Tab');
    const first = 'td.cell[data-path="/actors/0/positions/ceasefire/position"] input';
    await page.waitForSelector(first);
    await page.$eval('tr[data-issue="ceasefire"] td.scale-note textarea', e => {
      e.value = '0 = no ceasefire\n100 = a monitored ceasefire';
      e.dispatchEvent(new Event('input'));
    });
    const nActors = await page.$$eval('#actors-table tbody tr', l => l.length);
    await page.$eval(first, (e, n) => {
      const data = new DataTransfer();
      data.setData('text/plain', Array.from({length: n}, (_, i) => (i * 37) % 101 + '\t\t0.5').join('\n'));
      e.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }, nActors);
    await page.waitForSelector('body[data-validated="1"]');
    check(await page.$eval('#validity', e => e.textContent) === 'valid',
          'the scenario with the new issue is not valid: ' + await page.$eval('#messages', e => e.textContent));
    await runForecast();
    check((await page.$$('#result-latest li[data-issue="ceasefire"]')).length === 1, 'the forecast does not answer on the new issue');

    /* Save and reload: the same table. */
    const table = () => page.$$eval('td.cell input', l => l.map(x => x.getAttribute('data-path') + '=' + x.value).join('\n'));
    const saved = await table();
    await page.click('#save-button');
    await page.waitForSelector('body[data-saved="1"]');
    await page.reload();
    await page.waitForSelector('body[data-status="ready"]');
    const reloaded = await table();
    check(reloaded === saved, 'save and reload changed the table');
    check(await page.$eval(cell, e => e.value) === '0.05', 'the saved salience did not survive the reload');
    check(await page.$eval('tr[data-issue="ceasefire"] td.scale-note textarea', e => e.value) === '0 = no ceasefire\n100 = a monitored ceasefire',
          'the new issue\'s labels did not survive the reload');

    /* Removing the issue removes its column and every stance on it. */
    await page.click('tr[data-issue="ceasefire"] button.remove-issue');
    await page.waitForSelector('body[data-validated="1"]');
    check((await page.$$('td.cell[data-path*="/ceasefire/"], tr[data-issue="ceasefire"]')).length === 0, 'the removed issue is still in the table');
    check(await page.$eval('#validity', e => e.textContent) === 'valid', 'the scenario is not valid after removing the issue');

    /* Move an issue up: the tables follow (its column of stances moves with it, each value
     * still found under its id), and the order survives a save and a reload. */
    const issueOrder = () => page.$$eval('#issues-table tbody tr', l => l.map(x => x.getAttribute('data-issue')));
    const columnOrder = () => page.$$eval('#actors-table thead tr:first-child th[colspan]', l => l.map(x => x.textContent));
    const order = await issueOrder();
    check(order.length >= 2, 'fewer than two issues to move');
    const moved = order[1], stanceCell = `td.cell[data-path="/actors/0/positions/${order[1]}/position"] input`;
    const stance = await page.$eval(stanceCell, e => e.value);
    check(await page.$eval(`tr[data-issue="${order[0]}"] button.move-up`, e => e.disabled), 'the first issue can move up');
    await page.click(`tr[data-issue="${moved}"] button.move-up`);
    await page.waitForSelector('body[data-validated="1"]');
    const swapped = [order[1], order[0]].concat(order.slice(2));
    check(JSON.stringify(await issueOrder()) === JSON.stringify(swapped), 'move up did not swap the issues: ' + await issueOrder());
    check(JSON.stringify(await columnOrder()) === JSON.stringify(swapped), 'the actors\' columns did not follow: ' + await columnOrder());
    check(await page.$eval(stanceCell, e => e.value) === stance, 'a stance did not follow its issue');
    await page.$eval('body', b => b.removeAttribute('data-saved'));
    await page.click('#save-button');
    await page.waitForSelector('body[data-saved="1"]');
    await page.reload();
    await page.waitForSelector('body[data-status="ready"]');
    check(JSON.stringify(await issueOrder()) === JSON.stringify(swapped), 'the new order did not survive save and reload');
    await page.click(`tr[data-issue="${moved}"] button.move-down`);
    await page.waitForSelector('body[data-validated="1"]');
    check(JSON.stringify(await issueOrder()) === JSON.stringify(order), 'move down did not put the issue back');

    /* The phone layout. */
    if (shots) {
      await page.setViewport({width: 420, height: 900});
      await runForecast();
      await page.screenshot({path: shots + '/serve-420.png', fullPage: false});
    }

    /* war and backtest from the page, on scenarios opened as files: the progress line reports
     * the runs done, and the answers are drawn. */
    async function openFile(file, name) {
      const box = await page.$('#open-file');
      await box.uploadFile(file);
      await page.waitForSelector(`body[data-opened="${name}"]`);
    }
    async function runCommand(command, draws) {
      await page.select('#run-command', command);
      await page.$eval('#run-draws', (e, v) => { e.value = v; }, draws);
      await page.click('#run-button');
      await page.waitForSelector('body[data-run="running"]', {timeout: 5000}).catch(() => {});
      await page.waitForSelector('body[data-run="idle"]');
      await page.waitForSelector('body[data-charts="ready"]');
      return page.$eval('#progress', e => e.textContent);
    }
    await openFile(path.join(__dirname, '..', '..', 'scenarios', 'ukraine-war-2022.yaml'), 'ukraine-war-2022.yaml');
    let said = await runCommand('war', '20');
    check(/^war done .* 20 of 20 runs$/.test(said), 'war\'s progress line: ' + said);
    check(await page.$eval('#progress-bar', e => e.value) === 1, 'war\'s progress bar is not full');
    await page.waitForSelector('#result-latest .chart[data-chart^="war-"][data-rendered="1"]');
    check((await page.$$('#result-latest ol.events li')).length > 0, 'the war\'s timeline events are not listed');
    const outcomes = path.join(os.tmpdir(), `entente-outcomes-${process.pid}.yaml`);
    fs.writeFileSync(outcomes, 'entente: 1\ntitle: outcomes\nissues:\n' +
      '  - {id: a, scale: [0, 100], outcome: 55}\n  - {id: b, scale: [0, 10], outcome: 2}\nactors:\n' +
      '  - {id: P, capability: 3, positions: {a: {position: 20, salience: 0.8}, b: {position: 1, salience: 0.3}}}\n' +
      '  - {id: Q, capability: 1, positions: {a: {position: 80, salience: 0.5}, b: {position: 6, salience: 0.6}}}\n' +
      '  - {id: R, capability: 2, positions: {a: {position: 60, salience: 0.4}, b: {position: 3, salience: 0.9}}}\n');
    try {
      await openFile(outcomes, path.basename(outcomes));
    } finally {
      fs.unlinkSync(outcomes);
    }
    said = await runCommand('backtest', '');
    check(/^backtest done .* (\d+) of \1 model runs$/.test(said), 'backtest\'s progress line: ' + said);
    const scores = await page.$$eval('#result-latest table.result-table tbody tr', l => l.map(x => x.textContent));
    check(scores.some(x => /^compromise2/.test(x)), 'the backtest table has no compromise row over the two issues: ' + scores.join(' | '));

    /* A scenario of 250 actors: the actors table shows a page of 100 at a time; the pager moves
     * and finds an actor; a block pasted at the foot of a page fills the rows of the next one; a
     * message about an actor on another page offers to show it; a run leaves out the trace, and
     * its JSON is written out only when opened. */
    const many = path.join(os.tmpdir(), `entente-many-${process.pid}.yaml`);
    let text = 'entente: 1\ntitle: many actors\nissues:\n  - {id: a, scale: [0, 100]}\n  - {id: b, scale: [0, 100]}\nactors:\n';
    for (let i = 0; i < 250; i++)
      text += `  - {id: M${String(i).padStart(3, '0')}, capability: ${1 + i % 7}, positions: {a: {position: ${(i * 37) % 101}, salience: 0.5}, b: {position: ${(i * 53) % 101}, salience: 0.4}}}\n`;
    fs.writeFileSync(many, text);
    try {
      await openFile(many, path.basename(many));
    } finally {
      fs.unlinkSync(many);
    }
    const rows = () => page.$$eval('#actors-table tbody tr', l => l.map(x => x.getAttribute('data-actor')));
    const range = () => page.$eval('#actors-range', e => e.textContent);
    let shown = await rows();
    check(shown.length === 100 && shown[0] === 'M000' && shown[99] === 'M099', 'the first page is not actors 1-100: ' + shown.length + ' ' + shown[0]);
    check(await range() === 'actors 1–100 of 250', 'the pager says ' + await range());
    check(await page.$eval('#actors-prev', e => e.disabled), 'previous is enabled on the first page');
    const lastRow = 'td.cell[data-path="/actors/99/positions/a/position"] input';
    await page.$eval(lastRow, e => {
      const data = new DataTransfer();
      data.setData('text/plain', '11\t\t0.25\n12\t\t0.35\n13\n');
      e.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    });
    await page.waitForSelector('body[data-validated="1"]');
    check(await page.$eval(lastRow, e => e.value) === '11', 'the paste did not fill its first cell');
    await page.click('#actors-next');
    shown = await rows();
    check(shown[0] === 'M100' && shown.length === 100 && await range() === 'actors 101–200 of 250', 'next did not show actors 101-200: ' + shown[0]);
    const cellValue = p => page.$eval(`td.cell[data-path="${p}"] input`, e => e.value);
    check(await cellValue('/actors/100/positions/a/position') === '12' && await cellValue('/actors/100/positions/a/salience') === '0.35' &&
          await cellValue('/actors/101/positions/a/position') === '13', 'the paste did not reach the next page\'s rows');
    await page.click('#actors-next');
    check((await rows()).length === 50 && await page.$eval('#actors-next', e => e.disabled), 'the last page is not actors 201-250');
    await page.click('#actors-find', {clickCount: 3});
    await page.keyboard.type('m042');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('actors-range').textContent === 'actors 1–100 of 250');
    /* A bad value on another page: the message's "show" button brings its row into view. */
    const far = 'td.cell[data-path="/actors/230/capability"]';
    await page.click('#actors-next');
    await page.click('#actors-next');
    await page.click(far + ' input', {clickCount: 3});
    await page.keyboard.type('-3');
    await page.waitForSelector(far + '.invalid');
    await page.click('#actors-prev');
    await page.click('#actors-prev');
    await page.waitForSelector('body[data-validated="1"]');
    check(await range() === 'actors 1–100 of 250', 'the pager did not go back to the first page');
    await page.click('#messages button.show-row');
    await page.waitForSelector(far + '.invalid');
    check(await range() === 'actors 201–250 of 250', 'show did not bring the page of actor 231');
    await page.click(far + ' input', {clickCount: 3});
    await page.keyboard.type('4');
    await page.waitForFunction(c => !document.querySelector(c + '.invalid'), {}, far);
    await page.waitForSelector('body[data-validated="1"]');
    await page.select('#run-model', 'compromise');
    said = await runCommand('run', '');
    const label = await page.$eval('#result-latest details.answer-json summary', e => e.textContent);
    check(label === 'JSON (as `entente run --model compromise --trace none --format json` prints it)', 'the JSON\'s label: ' + label);
    check(await page.$eval('#result-latest details.answer-json pre', e => e.textContent) === '', 'the JSON was written out before it was opened');
    await page.click('#result-latest details.answer-json summary');
    await page.waitForFunction(() => document.querySelector('#result-latest details.answer-json pre').textContent.length > 0);
    const runAnswer = JSON.parse(await page.$eval('#result-latest details.answer-json pre', e => e.textContent));
    check(runAnswer.model === 'compromise' && runAnswer.issues.length === 2, 'the opened JSON is not the run\'s answer');
    await page.select('#run-model', '');

    /* Names that are markup stay text. */
    const hostile = '"><img src=x onerror="document.body.dataset.pwned=1"><script>document.body.dataset.pwned=1</script>';
    const yaml = `entente: 1\ntitle: '${hostile.replace(/'/g, "''")}'\nissues:\n  - {id: i, scale: [0, 10]}\nactors:\n` +
      `  - {id: A, name: '${hostile.replace(/'/g, "''")}', capability: 1, positions: {i: {position: 2, salience: 0.5}}}\n` +
      `  - {id: B, capability: 1, positions: {i: {position: 8, salience: 0.5}}}\n`;
    const opened = await page.evaluate(async (y) => {
      const token = new URLSearchParams(location.search).get('token');
      const r = await fetch('/api/open', {method: 'POST', headers: {'X-Entente-Token': token}, body: JSON.stringify({text: y, name: 'h.yaml'})});
      return r.status;
    }, yaml);
    check(opened === 200, 'opening the hostile scenario answered ' + opened);
    await page.reload();
    await page.waitForSelector('body[data-status="ready"]');
    check(await page.$eval('#title', e => e.textContent) === hostile, 'the title was not shown as text');
    check(await page.$$eval('img', l => l.length) === 0, 'markup in a name became an element');
    check(await page.evaluate(() => !document.body.dataset.pwned), 'a script in a name ran');
    check(errors.length === 0, 'the page reported errors: ' + errors.join('; '));
    console.log('ok');
  } finally {
    await browser.close();
  }
})().catch(e => { console.error('FAIL: ' + e.message); process.exit(1); });
