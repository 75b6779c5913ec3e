import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './compose-file';

/**
 * Metrics the read side gains in the current round (docs/operate.md), which the dashboard and the
 * alerts already use; with their labels. Once they are defined in apps/ or libs/, the definition
 * is what this test reads, and an entry here changes nothing.
 */
const ANNOUNCED_METRICS: Record<string, string[]> = {
  converge_oldest_parked_event_age_seconds: [],
  converge_dead_letters_total: ['reason'],
  converge_divergent_carts_total: [],
  converge_repairs_requested_total: ['trigger'],
  converge_repairs_applied_total: [],
  converge_reconcile_duration_seconds: [],
};

/** Labels every series has from its scrape (job, instance) or its histogram (le). */
const SCRAPE_LABELS = ['job', 'instance', 'le'];

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  gridPos: { x: number; w: number };
  targets?: Array<{ expr: string; legendFormat?: string }>;
}

const read = (...path: string[]) => readFileSync(join(REPO_ROOT, ...path), 'utf8');

/** The metrics the services define, with their label names, read from their definitions. */
function definedMetrics(): Record<string, string[]> {
  const metrics: Record<string, string[]> = {};
  for (const file of sourceFiles(['apps', 'libs'])) {
    const text = readFileSync(file, 'utf8');
    // The options object up to its first closing brace: name, help, labelNames come before any method.
    for (const [, name, options] of text.matchAll(/name: '(converge_[a-z_]+)'([^}]*)\}/g)) {
      const labelNames = /labelNames: \[([^\]]*)\]/.exec(options!)?.[1] ?? '';
      metrics[name!] = [...labelNames.matchAll(/'([a-z_]+)'/g)].map((label) => label[1]!);
    }
  }
  return metrics;
}

function sourceFiles(directories: string[]): string[] {
  return directories.flatMap((directory) =>
    readdirSync(join(REPO_ROOT, directory), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /(?<!\.spec)\.ts$/.test(entry.name))
      .map((entry) => join(entry.parentPath, entry.name)),
  );
}

/** converge_* names an expression reads, a histogram's series named by the histogram. */
const metricsIn = (expr: string): string[] =>
  [...expr.matchAll(/\bconverge_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|count|sum)$/, ''));

/** Labels an expression groups by, matches on, or a legend prints. */
const labelsIn = (text: string): string[] => [
  ...[...text.matchAll(/\b(?:by|on|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim())),
  ...[...text.matchAll(/\{([^{}]*)\}/g)].flatMap((m) =>
    [...m[1]!.matchAll(/([a-z_]+)\s*(?:=~|!=|!~|=)/g)].map((l) => l[1]!),
  ),
  ...[...text.matchAll(/\{\{\s*(?:\$labels\.)?([a-z_]+)\s*\}\}/g)].map((m) => m[1]!),
];

const rules: Rule[] = parse(read('infra', 'prometheus', 'rules', 'converge-alerts.yml')).groups.flatMap(
  (group: { rules: Rule[] }) => group.rules,
);
const dashboard = JSON.parse(read('infra', 'grafana', 'dashboards', 'converge.json'));
const panels: Panel[] = dashboard.panels;
const queries = panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, ...target })));
const known = { ...ANNOUNCED_METRICS, ...definedMetrics() };

describe('the metrics the alerts and the dashboard read', () => {
  it('finds the definitions of the metrics the services export today', () => {
    expect(known).toMatchObject({
      converge_events_total: ['outcome'],
      converge_consumer_lag: ['partition'],
      converge_http_request_duration_seconds: ['method', 'route', 'status_code'],
      converge_outbox_relay_leader: [],
    });
  });

  it.each([
    ['alert rules', rules.map((rule) => ({ where: rule.alert, text: rule.expr }))],
    ['dashboard', queries.map((q) => ({ where: q.panel.title, text: `${q.expr} ${q.legendFormat ?? ''}` }))],
  ])('the %s read only metrics and labels the services define', (_name, expressions) => {
    const unknown = expressions.flatMap(({ where, text }) => {
      const metrics = metricsIn(text);
      const labels = new Set([...SCRAPE_LABELS, ...metrics.flatMap((metric) => known[metric] ?? [])]);
      return [
        ...metrics.filter((metric) => !(metric in known)).map((metric) => `${where}: metric ${metric}`),
        ...labelsIn(text)
          .filter((label) => label !== '' && !labels.has(label) && !label.startsWith('__'))
          .map((label) => `${where}: label ${label}`),
      ];
    });
    expect(unknown).toEqual([]);
  });
});

describe('the alert rules', () => {
  const runbook = read('docs', 'operate.md');
  const anchors = new Set(
    [...runbook.matchAll(/^#+\s+(.+)$/gm)].map(([, heading]) =>
      heading!
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    ),
  );

  it('cover what the issue asks for', () => {
    const watched = rules.map((rule) => metricsIn(rule.expr)[0]);
    expect(watched).toEqual(
      expect.arrayContaining([
        'converge_propagation_lag_seconds',
        'converge_outbox_backlog',
        'converge_oldest_parked_event_age_seconds',
        'converge_consumer_lag',
        'converge_dead_letters_total',
        'converge_outbox_relay_leader',
      ]),
    );
  });

  it.each(rules.map((rule) => [rule.alert, rule]))('%s has a severity and a runbook section', (_alert, rule) => {
    expect(['page', 'ticket']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
    const anchor = /^docs\/operate\.md#(.+)$/.exec(rule.annotations?.runbook_url ?? '')?.[1];
    expect(anchors).toContain(anchor);
  });
});

describe('the Grafana dashboard', () => {
  it('shows propagation lag, outbox backlog, consumer lag, event outcomes, parked and divergent carts, and HTTP latency', () => {
    const shown = new Set(queries.flatMap((query) => metricsIn(query.expr)));
    for (const metric of [
      'converge_propagation_lag_seconds',
      'converge_outbox_backlog',
      'converge_consumer_lag',
      'converge_events_total',
      'converge_parked_events',
      'converge_divergent_carts_total',
      'converge_http_request_duration_seconds',
    ]) {
      expect({ metric, shown: shown.has(metric) }).toEqual({ metric, shown: true });
    }
  });

  it('asks the chosen Prometheus, with panels that fit the grid and unique ids', () => {
    const shown = panels.filter((panel) => panel.type !== 'row');
    expect(shown.filter((panel) => panel.datasource?.uid !== '${datasource}').map((p) => p.title)).toEqual([]);
    expect(panels.filter((panel) => panel.gridPos.x + panel.gridPos.w > 24).map((p) => p.title)).toEqual([]);
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
  });

  it('defaults its job variables to the jobs infra/prometheus/prometheus.yml scrapes', () => {
    const jobs = parse(read('infra', 'prometheus', 'prometheus.yml')).scrape_configs.map(
      (config: { job_name: string }) => config.job_name,
    );
    const defaults = dashboard.templating.list
      .filter((variable: { name: string }) => variable.name.endsWith('_job'))
      .map((variable: { current: { value: string } }) => variable.current.value);
    expect(defaults.sort()).toEqual([...jobs].sort());
  });

  it('is provisioned from the directory docker-compose mounts', () => {
    const provider = parse(read('infra', 'grafana', 'provisioning', 'dashboards', 'converge.yml')).providers[0];
    const compose = read('docker-compose.yml');
    expect(compose).toContain(`./infra/grafana/dashboards:${provider.options.path}:ro`);
  });
});
