import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

interface ImageOverride {
  name: string;
  newName?: string;
  newTag?: string;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  images?: ImageOverride[];
}

/** What this renderer implements of kustomize; a kustomization using anything else is refused. */
const IMPLEMENTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images']);

/** Kinds kustomize leaves without a namespace; only those the manifests could hold. */
const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

/**
 * Renders a kustomization directory as `kustomize build` does, for the fields in
 * IMPLEMENTED_FIELDS: resources (files and kustomization directories, in order), namespace and
 * images. No kustomize binary is available to CI, and these are all the manifests use.
 */
export function renderKustomization(directory: string): K8sObject[] {
  const kustomization = parse(readFileSync(join(directory, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unimplemented = Object.keys(kustomization).filter((field) => !IMPLEMENTED_FIELDS.has(field));
  if (unimplemented.length > 0) {
    throw new Error(`${directory}: kustomization fields this renderer does not implement: ${unimplemented.join(', ')}`);
  }
  let objects = (kustomization.resources ?? []).flatMap((resource) => {
    const path = join(directory, resource);
    return statSync(path).isDirectory() ? renderKustomization(path) : readObjects(path);
  });
  if (kustomization.namespace !== undefined) objects = objects.map((o) => inNamespace(o, kustomization.namespace!));
  for (const image of kustomization.images ?? []) objects = objects.map((o) => withImage(o, image));
  refuseDuplicates(objects, directory);
  return objects;
}

function readObjects(path: string): K8sObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]!.message}`);
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

function inNamespace(object: K8sObject, namespace: string): K8sObject {
  if (CLUSTER_SCOPED_KINDS.has(object.kind)) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

function withImage(object: K8sObject, override: ImageOverride): K8sObject {
  const copy = structuredClone(object);
  for (const container of containersOf(copy)) {
    const { name, tag } = splitImage(container.image);
    if (name !== override.name) continue;
    container.image = `${override.newName ?? name}${override.newTag !== undefined ? `:${override.newTag}` : tag}`;
  }
  return copy;
}

/** The containers of a workload's pod template (Deployment, StatefulSet, Job...) or of a Pod. */
export function containersOf(object: K8sObject): Array<{ name: string; image: string; [key: string]: unknown }> {
  const spec = object.spec as ({ template?: { spec?: PodSpec } } & PodSpec) | undefined;
  const pod = spec?.template?.spec ?? (object.kind === 'Pod' ? spec : undefined);
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

interface PodSpec {
  containers?: Array<{ name: string; image: string }>;
  initContainers?: Array<{ name: string; image: string }>;
}

/** `name:tag` or `name@digest`; a registry's port (host:5000/name) is part of the name. */
function splitImage(image: string): { name: string; tag: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { name: image.slice(0, at), tag: image.slice(at) };
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/')
    ? { name: image.slice(0, colon), tag: image.slice(colon) }
    : { name: image, tag: '' };
}

/** kustomize refuses two objects with one identity: one would silently replace the other. */
function refuseDuplicates(objects: K8sObject[], directory: string): void {
  const seen = new Set<string>();
  for (const object of objects) {
    const id = `${object.apiVersion.split('/')[0]}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (seen.has(id)) throw new Error(`${directory}: ${id} is defined twice`);
    seen.add(id);
  }
}
