/**
 * Child process of k8s-schema.ts: validates Kubernetes objects against the OpenAPI schemas
 * shipped by kubernetes-models and @kubernetes-models/prometheus-operator. Reads
 * `{ [set]: object[] }` as JSON on stdin and prints `{ [set]: problem[] }`. A separate process because those packages are ESM-only
 * and the Jest projects run CommonJS; here tsx loads them natively.
 */
interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}

type Model = new (data: unknown) => { validate(): void };

/** Module that exports the model class of an apiVersion/kind (core "v1" has no group). */
function modulePath(apiVersion: string, kind: string): string {
  if (apiVersion.startsWith('monitoring.coreos.com/')) return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/**
 * kustomize wraps long base64 Secret values over lines; the API server decodes them fine (Go's
 * base64 ignores newlines) but the schema's `byte` format does not, so unwrap before checking.
 */
function unwrapSecretData(o: Obj & { data?: Record<string, unknown> }): Obj {
  if (o.kind !== 'Secret' || !o.data) return o;
  const data = Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/\s+/g, '') : v]));
  return { ...o, data } as Obj;
}

async function validate(o: Obj): Promise<string[]> {
  const at = `${o.kind ?? '?'}/${o.metadata?.name ?? '?'}`;
  if (!o.apiVersion || !o.kind) return [`${at}: no apiVersion/kind`];
  let model: Model | undefined;
  try {
    model = ((await import(modulePath(o.apiVersion, o.kind))) as Record<string, Model>)[o.kind];
  } catch {
    model = undefined;
  }
  if (!model) return [`${at}: no schema for ${o.apiVersion} ${o.kind} (unknown kind or apiVersion)`];
  try {
    new model(unwrapSecretData(o)).validate();
    return [];
  } catch (err) {
    const details = (err as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
    if (!details) return [`${at}: ${(err as Error).message}`];
    return details.map((d) => `${at}: ${d.instancePath || '/'} ${d.message ?? 'invalid'}`);
  }
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const sets = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, Obj[]>;
  const problems: Record<string, string[]> = {};
  for (const [set, objects] of Object.entries(sets)) {
    problems[set] = [];
    for (const o of objects) problems[set].push(...(await validate(o)));
  }
  process.stdout.write(JSON.stringify(problems));
}

void main();
