// Runs the JavaScript dicomweb-client (the library OHIF is built on) in Debian's chromium against
// a running Veil, as a web page of Veil's own origin would, and prints what each call returned as
// one JSON line on stdout. DicomWebClientTest (Java) starts it and makes every assertion; this
// script calls and measures, and does not judge.
//
// Argument: a JSON object
//   base      Veil's origin, e.g. http://127.0.0.1:8080
//   token     the bearer token to send
//   patient   PatientID to search for
//   study, series, instance   the UIDs to retrieve
//
// Output: {"event":"done", ...results} or {"event":"error","message":...}.
'use strict';

const path = require('path');
const { chromium } = require('playwright-core');

(async () => {
  const spec = JSON.parse(process.argv[2]);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    // A page of Veil's own origin (its health check, which needs no token), so that the
    // client's requests are same-origin, as OHIF's are.
    await page.goto(spec.base + '/q/health/live');
    await page.addScriptTag({ path: path.join(__dirname, 'node_modules/dicomweb-client/build/dicomweb-client.js') });
    const result = await page.evaluate(async (s) => {
      const client = new DICOMwebClient.api.DICOMwebClient({
        url: s.base + '/dicomweb',
        headers: { Authorization: 'Bearer ' + s.token },
      });
      const ids = { studyInstanceUID: s.study, seriesInstanceUID: s.series, sopInstanceUID: s.instance };
      const out = {};
      const studies = await client.searchForStudies({ queryParams: { PatientID: s.patient } });
      out.studies = studies.map((d) => d['0020000D'].Value[0]);
      const series = await client.searchForSeries({ studyInstanceUID: s.study });
      out.series = series.map((d) => d['0020000E'].Value[0]);
      const metadata = await client.retrieveSeriesMetadata({ studyInstanceUID: s.study, seriesInstanceUID: s.series });
      out.metadataInstances = metadata.map((d) => d['00080018'].Value[0]);
      out.rows = metadata[0]['00280010'].Value[0];
      out.columns = metadata[0]['00280011'].Value[0];
      out.bulkDataURI = metadata[0]['7FE00010'].BulkDataURI;
      const frames = await client.retrieveInstanceFrames({ ...ids, frameNumbers: [1] });
      out.frameBytes = frames.map((f) => f.byteLength);
      out.frameSum = frames.map((f) => new Uint8Array(f).reduce((a, b) => (a + b) % 1000000007, 0));
      const rendered = await client.retrieveInstanceRendered({ ...ids, mediaTypes: [{ mediaType: 'image/png' }] });
      // The client answers one image as an ArrayBuffer, several as an array of them.
      const image = Array.isArray(rendered) ? rendered[0] : rendered;
      out.renderedType = Object.prototype.toString.call(image);
      const png = new Uint8Array(image instanceof ArrayBuffer ? image : image.buffer || image);
      out.renderedSignature = Array.from(png.slice(1, 4)).map((c) => String.fromCharCode(c)).join('');
      const bulk = await client.retrieveBulkData({ BulkDataURI: out.bulkDataURI });
      out.bulkBytes = bulk.map((b) => b.byteLength);
      const instance = await client.retrieveInstance(ids);
      out.instanceBytes = instance.byteLength;
      return out;
    }, spec);
    console.log(JSON.stringify({ event: 'done', ...result }));
  } catch (e) {
    console.log(JSON.stringify({ event: 'error', message: String(e && e.message ? e.message : e) }));
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
})();
