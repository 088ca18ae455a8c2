// Drives one user through the OHIF viewer Veil serves, in Debian's chromium, and reports what the
// browser saw as JSON lines on stdout. OhifBrowserTest (Java) starts it, answers its pauses and
// makes every assertion; this script measures and does not judge.
//
// Argument: a JSON object
//   base        Veil's origin, e.g. http://127.0.0.1:8080
//   purpose     the viewer route, which is the purpose the token asks for
//   user        demo user; its password is its name
//   shots       directory for screenshots; name prefixes their file names
//   pause       after the first study list, print {"event":"paused"}, wait for a line on stdin, reload
//   open        {modality, description?}: the study to open from the list, or absent
//   regions     [[x, y, width, height], ...] in image pixels, measured in the opened image
//
// Events: list {rows}, storage {entries}, paused, image {...}, csp {violations}, requests {requests}, done;
// error {message} on failure. csp lists what the browser refused under Veil's Content-Security-Policy
// on Veil's pages (the identity provider's own pages have their own policy and are not counted).
'use strict';
const { chromium } = require('playwright-core');
const readline = require('readline');
const path = require('path');

const spec = JSON.parse(process.argv[2]);
const emit = event => process.stdout.write(JSON.stringify(event) + '\n');
const shot = name => path.join(spec.shots, `${spec.name}-${name}.png`);
const stdin = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise(resolve => stdin.once('line', resolve));

// OHIF 3.13's study list (ui-next): one table, a header row of column labels, a filter row, and
// one body row per study. Columns drop out as the window narrows (MRN first), so cells are read
// by their header's label, and the window is wide enough to keep every column. Each study row is
// tagged with its index so that openStudy double-clicks the row it measured.
async function studyRows(page) {
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('table tbody tr:not([data-filter-row])')];
    return rows.some(tr => tr.querySelectorAll(':scope > td').length >= 5)
      || document.body.innerText.includes('No studies available');
  }, null, { timeout: 60000 });
  await page.waitForTimeout(1500); // the list renders, then fills its cells
  return page.evaluate(() => {
    // The header and the body may be separate tables (a sticky header): labels from the first
    // header row in the page, rows from every table body.
    const header = document.querySelector('thead tr');
    const labels = header ? [...header.querySelectorAll(':scope > th')].map(th => th.innerText.trim()) : [];
    const at = (cells, label) => {
      const i = labels.indexOf(label);
      return i < 0 ? undefined : cells[i];
    };
    const rows = [...document.querySelectorAll('tbody tr:not([data-filter-row])')]
      .filter(tr => tr.querySelectorAll(':scope > td').length === labels.length && labels.length >= 5);
    if (rows.length === 0) {
      // For whoever reads the log of an empty list: what the page held instead.
      console.error(`study list: labels ${JSON.stringify(labels)}, body rows of ${JSON.stringify(
        [...document.querySelectorAll('tbody tr')].map(tr => tr.querySelectorAll(':scope > td').length))} cells`);
    }
    return rows.map((tr, index) => {
      tr.setAttribute('data-veil-row', String(index));
      // OHIF writes "No Description", muted, where a study has none: that cell reads as empty.
      const cells = [...tr.querySelectorAll(':scope > td')]
        .map(td => td.querySelector('[class~="text-muted-foreground/40"]') ? '' : td.innerText.trim());
      return {
        patient: at(cells, 'Patient'), mrn: at(cells, 'MRN'), date: at(cells, 'Study Date'),
        description: at(cells, 'Description'), modality: at(cells, 'Modalities'),
        accession: at(cells, 'Accession'), instances: at(cells, 'Instances'),
      };
    });
  });
}

async function login(page) {
  await page.goto(`${spec.base}/viewer/${spec.purpose}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForURL(url => !url.toString().startsWith(spec.base), { timeout: 60000 });
  await page.fill('#username', spec.user);
  await page.fill('#password', spec.user);
  await page.click('#kc-login');
  await page.waitForURL(url => url.toString().startsWith(spec.base) && !url.toString().includes('/callback'), { timeout: 60000 });
}

async function dismissNotices(page) {
  for (const label of ['Skip all', 'Confirm and hide']) {
    const button = page.getByText(label, { exact: true });
    if (await button.count() > 0) {
      await button.first().click().catch(() => {});
    }
  }
}

// Runs in the page: the displayed image, the canvas's own pixels (no HTML overlay), and the
// requested image rectangle mapped onto the canvas. A pixel is lit when a channel is above 16.
function measure(regions) {
  const viewport = window.cornerstone.getEnabledElements()[0].viewport;
  const imageId = viewport.getCurrentImageId();
  const image = window.cornerstone.cache.getImage(imageId);
  const canvas = viewport.canvas;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const ratio = canvas.width / canvas.clientWidth;
  const lit = (x0, y0, x1, y1, inside) => {
    let max = 0, count = 0, total = 0;
    for (let y = Math.max(0, Math.ceil(y0)); y < Math.min(canvas.height, Math.floor(y1)); y++) {
      for (let x = Math.max(0, Math.ceil(x0)); x < Math.min(canvas.width, Math.floor(x1)); x++) {
        if (inside && !inside(x, y)) continue;
        const i = (y * canvas.width + x) * 4;
        const m = Math.max(pixels[i], pixels[i + 1], pixels[i + 2]);
        max = Math.max(max, m);
        total++;
        if (m > 16) count++;
      }
    }
    return { max, lit: count, pixels: total };
  };
  const data = viewport.getImageData();
  const onCanvas = (x, y) => viewport.worldToCanvas(data.imageData.indexToWorld([x, y, 0])).map(v => v * ratio);
  const result = {
    imageId, columns: image.columns, rows: image.rows, color: !!image.color,
    canvas: lit(0, 0, canvas.width, canvas.height),
  };
  if (regions.length > 0) {
    // Pixel centres sit half a pixel inside a rectangle's edges; two canvas pixels of margin
    // keep interpolation across an edge out of the measurement.
    const margin = 2;
    const mapped = regions.map(([x, y, w, h]) => [...onCanvas(x - 0.5, y - 0.5), ...onCanvas(x + w - 0.5, y + h - 0.5)]);
    const values = image.getPixelData(); // the decoded values, before windowing or scaling
    const samples = values.length / (image.columns * image.rows);
    result.regions = regions.map(([x, y, w, h], n) => {
      const [ax, ay, bx, by] = mapped[n];
      let imageMax = 0;
      for (let row = y; row < Math.min(image.rows, y + h); row++) {
        for (let col = x; col < Math.min(image.columns, x + w); col++) {
          for (let s = 0; s < Math.min(samples, 3); s++) {
            imageMax = Math.max(imageMax, values[(row * image.columns + col) * samples + s]);
          }
        }
      }
      return { rect: [x, y, w, h], canvasRect: mapped[n], canvas: lit(ax + margin, ay + margin, bx - margin, by - margin), imageMax };
    });
    const outside = (px, py) => !mapped.some(([ax, ay, bx, by]) =>
      px >= ax - margin && px < bx + margin && py >= ay - margin && py < by + margin);
    const [ix, iy] = onCanvas(-0.5, -0.5);
    const [jx, jy] = onCanvas(image.columns - 0.5, image.rows - 0.5);
    result.restOfImage = { canvas: lit(ix + margin, iy + margin, jx - margin, jy - margin, outside) };
  }
  return result;
}

async function openStudy(page, wanted) {
  const rows = await studyRows(page);
  const index = rows.findIndex(r => r.modality === wanted.modality && (wanted.description === undefined || r.description === wanted.description));
  if (index < 0) throw new Error(`no study ${JSON.stringify(wanted)} in the list`);
  // A double click launches the study in the default workflow (the basic viewer).
  await page.locator(`tr[data-veil-row="${index}"]`).dblclick();
  await page.waitForFunction(() => {
    const cs = window.cornerstone;
    const element = cs && cs.getEnabledElements()[0];
    const id = element && element.viewport.getCurrentImageId && element.viewport.getCurrentImageId();
    return id && cs.cache.getImage(id);
  }, null, { timeout: 90000 });
  await dismissNotices(page);
  // The first frame is drawn asynchronously after it is decoded: wait for a lit canvas, then
  // measure whatever is there (a canvas that stays black is measured black, and the test fails).
  await page.waitForFunction(() => {
    const canvas = window.cornerstone.getEnabledElements()[0].viewport.canvas;
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 16 || d[i + 1] > 16 || d[i + 2] > 16) return true;
    return false;
  }, null, { timeout: 30000 }).catch(() => {});
  await page.waitForTimeout(1000);
  return page.evaluate(measure, spec.regions || []);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on('pageerror', e => process.stderr.write(`page error: ${String(e).slice(0, 500)}\n`));
  page.on('console', m => { if (m.type() === 'error') process.stderr.write(`console: ${m.text().slice(0, 500)}\n`); });
  const cspViolations = [];
  page.on('console', m => {
    const at = (m.location() || {}).url || page.url();
    if (/Content Security Policy/i.test(m.text()) && at.startsWith(spec.base)) cspViolations.push(m.text().slice(0, 300));
  });
  page.on('framenavigated', f => { if (f === page.mainFrame()) process.stderr.write(`at ${f.url().split('?')[0]}\n`); });
  const requests = [];
  page.on('requestfinished', async request => {
    if (!new URL(request.url()).pathname.startsWith('/dicomweb/')) return;
    const response = await request.response();
    requests.push({ method: request.method(), url: request.url(), status: response ? response.status() : 0,
      authorization: (await request.allHeaders()).authorization || null });
  });
  page.on('requestfailed', async request => {
    if (!new URL(request.url()).pathname.startsWith('/dicomweb/')) return;
    // The response the server gave, if any, and what the page's own timing saw of the body.
    const response = await request.response().catch(() => null);
    requests.push({ method: request.method(), url: request.url(), status: 0, failure: request.failure().errorText,
      responseStatus: response ? response.status() : null, authorization: request.headers().authorization || null });
  });
  try {
    await login(page);
    emit({ event: 'list', rows: await studyRows(page) });
    // Where the page keeps things a script of the origin could read: no token may be there.
    emit({ event: 'storage', entries: await page.evaluate(() => [sessionStorage, localStorage].flatMap(s =>
      Object.keys(s).map(k => ({ key: k, value: s.getItem(k) })))) });
    await dismissNotices(page);
    await page.screenshot({ path: shot('list') });
    if (spec.pause) {
      emit({ event: 'paused' });
      await nextLine();
      await page.reload({ waitUntil: 'domcontentloaded' });
      emit({ event: 'list', rows: await studyRows(page) });
      await page.screenshot({ path: shot('list-after') });
    }
    if (spec.open) {
      emit({ event: 'image', ...(await openStudy(page, spec.open)) });
      await page.screenshot({ path: shot('viewer') });
    }
    await page.waitForLoadState('networkidle').catch(() => {});
    const violations = [...cspViolations];
    // A script of the page sending something to another origin, as an injected one would the token.
    const probe = await page.evaluate(() => new Promise(resolve => {
      document.addEventListener('securitypolicyviolation', e => {
        if (e.blockedURI.startsWith('http://127.0.0.1:9')) resolve(e.violatedDirective);
      });
      fetch('http://127.0.0.1:9/token').catch(() => {});
      setTimeout(() => resolve('none'), 3000);
    }));
    emit({ event: 'csp', violations, probe });
    emit({ event: 'requests', requests });
    emit({ event: 'done' });
  } catch (e) {
    await page.screenshot({ path: shot('failure') }).catch(() => {});
    emit({ event: 'error', message: String(e).slice(0, 2000), url: page.url() });
    process.exitCode = 1;
  } finally {
    stdin.close();
    await browser.close();
  }
})();
