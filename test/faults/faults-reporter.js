const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** Where the scenarios leave their rows (test/faults/support/results.ts); workers inherit it. */
const RESULTS_VARIABLE = 'CONVERGE_FAULT_RESULTS_DIR';

const COLUMNS = [
  ['scenario', (row) => row.scenario],
  ['operations', (row) => row.operations],
  ['acknowledged writes', (row) => row.acknowledgedWrites],
  ['unanswered writes', (row) => row.unansweredWrites],
  ['lost', (row) => row.lost],
  ['doubled', (row) => row.doubled],
  ['RYW violations', (row) => row.ryw],
  ['monotonic violations', (row) => row.monotonic],
  ['diverged', (row) => row.diverged],
  ['watermark violations', (row) => row.watermark ?? '—'],
  ['s to converge', (row) => seconds(row.convergeSeconds)],
  ['s to quiesce', (row) => seconds(row.quiesceSeconds)],
];

function seconds(value) {
  return typeof value === 'number' ? value.toFixed(2) : '—';
}

/**
 * Prints, once every scenario ran, one markdown table: per scenario the operations, the
 * acknowledged writes, the Checker's violations, and the seconds from the fault's end until the
 * read model reached the write model as it was then (s to converge), and from the end of the
 * load until both models were equal (s to quiesce).
 */
class FaultsReporter {
  constructor() {
    this.dir = process.env[RESULTS_VARIABLE] ?? mkdtempSync(join(tmpdir(), 'converge-faults-'));
    process.env[RESULTS_VARIABLE] = this.dir;
  }

  onRunComplete() {
    let files = [];
    try {
      files = readdirSync(this.dir).filter((name) => name.endsWith('.json'));
    } catch {
      return;
    }
    const rows = files
      .map((name) => JSON.parse(readFileSync(join(this.dir, name), 'utf8')))
      .sort((a, b) => a.scenario.localeCompare(b.scenario));
    rmSync(this.dir, { recursive: true, force: true });
    if (rows.length === 0) return;
    const cells = [COLUMNS.map(([title]) => title), ...rows.map((row) => COLUMNS.map(([, cell]) => String(cell(row))))];
    const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
    const line = (values) => `| ${values.map((value, i) => value.padEnd(widths[i])).join(' | ')} |`;
    const table = [line(cells[0]), line(widths.map((width) => '-'.repeat(width))), ...cells.slice(1).map(line)];
    process.stdout.write(`\nfault scenarios:\n${table.join('\n')}\n`);
  }
}
module.exports = FaultsReporter;
