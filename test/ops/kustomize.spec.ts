import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containersOf, renderKustomization } from './kustomize';

describe('renderKustomization', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kustomize-'));
    write('base/kustomization.yaml', 'resources: [app.yaml]\n');
    write(
      'base/app.yaml',
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: app}',
        'spec: {template: {spec: {containers: [{name: app, image: "app:1.0"}, {name: side, image: "side:2"}]}}}',
        '---',
        'apiVersion: v1',
        'kind: Namespace',
        'metadata: {name: prod}',
      ].join('\n'),
    );
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('renders resources in order, through nested kustomizations, with namespace and images applied', () => {
    write(
      'overlay/kustomization.yaml',
      'namespace: prod\nresources: [../base]\nimages: [{name: app, newName: reg.example/app, newTag: "1.1"}]\n',
    );
    const objects = renderKustomization(join(root, 'overlay'));
    expect(objects.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['Deployment', 'prod'],
      ['Namespace', undefined],
    ]);
    expect(containersOf(objects[0]!).map((c) => c.image)).toEqual(['reg.example/app:1.1', 'side:2']);
  });

  it('keeps the tag when the override names only a new image, and leaves the base untouched', () => {
    write('overlay/kustomization.yaml', 'resources: [../base]\nimages: [{name: app, newName: reg.example:5000/app}]\n');
    expect(containersOf(renderKustomization(join(root, 'overlay'))[0]!)[0]!.image).toBe('reg.example:5000/app:1.0');
    expect(containersOf(renderKustomization(join(root, 'base'))[0]!)[0]!.image).toBe('app:1.0');
  });

  it('refuses a field it does not implement, rather than render something kustomize would not', () => {
    write('overlay/kustomization.yaml', 'resources: [../base]\npatches: []\n');
    expect(() => renderKustomization(join(root, 'overlay'))).toThrow('does not implement: patches');
  });

  it('refuses an object defined twice', () => {
    write('overlay/kustomization.yaml', 'resources: [../base, ../base/app.yaml]\n');
    expect(() => renderKustomization(join(root, 'overlay'))).toThrow('Deployment//app is defined twice');
  });
});
