import { studioEnv } from './studio.config';

const SECRET = 'converge-local-development-only-access-token-secret';
const problems = (env: Record<string, string>) => {
  const parsed = studioEnv.safeParse(env);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
};

describe('the studio configuration', () => {
  it('needs an operator token outside development, and never takes a signing key there', () => {
    expect(problems({})).toEqual(['STUDIO_ACCESS_TOKEN']);
    expect(problems({ STUDIO_ACCESS_TOKEN: '' })).toEqual(['STUDIO_ACCESS_TOKEN']);
    expect(problems({ STUDIO_ACCESS_TOKEN: 'a.b.c', AUTH_JWT_SECRET: SECRET })).toEqual(['AUTH_JWT_SECRET']);
  });

  it('signs its own tokens in development, or acts with the token it is given', () => {
    expect(studioEnv.parse({ CONVERGE_ENV: 'development', AUTH_JWT_SECRET: SECRET }).credentials).toMatchObject({
      kind: 'signing-key',
      secret: SECRET,
    });
    expect(studioEnv.parse({ STUDIO_ACCESS_TOKEN: 'a.b.c' }).credentials).toEqual({ kind: 'token', token: 'a.b.c' });
  });

  it('reads every Cart-Query instance from one list, and refuses a bad address', () => {
    const env = { STUDIO_ACCESS_TOKEN: 'a.b.c', CART_QUERY_URLS: 'http://q1:3001/, http://q2:3001' };
    expect(studioEnv.parse(env).cartQueryUrls).toEqual(['http://q1:3001', 'http://q2:3001']);
    expect(problems({ ...env, CART_QUERY_URLS: 'http://q1:3001,not a url' })).toEqual(['CART_QUERY_URLS.1']);
  });

  it("scrapes the services' /metrics at their own URLs, unless told where else", () => {
    const env = { STUDIO_ACCESS_TOKEN: 'a.b.c', CART_URL: 'http://cart:3000/', CART_QUERY_URLS: 'http://q1:3001' };
    expect(studioEnv.parse(env)).toMatchObject({
      cartMetricsUrl: 'http://cart:3000',
      cartQueryMetricsUrls: ['http://q1:3001'],
    });
    const moved = {
      ...env,
      CART_METRICS_URL: 'http://cart:9464/',
      CART_QUERY_METRICS_URLS: 'http://q1:9464, http://q2:9464',
    };
    expect(studioEnv.parse(moved)).toMatchObject({
      cartMetricsUrl: 'http://cart:9464',
      cartQueryMetricsUrls: ['http://q1:9464', 'http://q2:9464'],
    });
    expect(studioEnv.parse({ ...env, CART_METRICS_URL: '', CART_QUERY_METRICS_URLS: '' }).cartMetricsUrl).toBe(
      'http://cart:3000',
    );
    expect(problems({ ...env, CART_METRICS_URL: 'not a url' })).toEqual(['CART_METRICS_URL']);
  });
});
