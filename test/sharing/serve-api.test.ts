// `c4tap serve` mounts the REST API for the `api` role: a token issued with `c4tap token issue`
// pulls indicators from the running server; without the role the API is not there.
import { expect } from 'chai';
import { runCli, startServe, tempDataDir, type TempDataDir } from '../helpers/cli.ts';

describe('c4tap serve: REST API role', function () {
  this.timeout(60_000);
  let data: TempDataDir;
  beforeEach(() => (data = tempDataDir({ C4TAP_SMTP_ENABLED: 'false' })));
  afterEach(() => data.remove());

  it('serves /api/v1 to a token issued by the CLI when the api role runs, and not otherwise', async function () {
    const api = startServe(data.env, ['--roles', 'api']);
    const [, url] = await api.waitFor(/HTTP\s+(http:\/\/\S+)/);
    const issued = runCli(['token', 'issue', '--principal', 'admin', '--ttl', '1d'], data.env);
    expect(issued.status, issued.stderr).to.equal(0);
    const token = /token \(shown once\): (\S+)/.exec(issued.stdout)![1]!;

    const pulled = await fetch(`${url}/api/v1/indicators`, { headers: { authorization: `Bearer ${token}` } });
    expect(pulled.status).to.equal(200);
    expect(await pulled.json()).to.deep.equal({ items: [], next_since: 0, more: false });
    expect((await fetch(`${url}/api/v1/indicators`)).status).to.equal(401);
    expect((await fetch(`${url}/api/v1/openapi.json`)).status).to.equal(200);
    api.child.kill('SIGTERM');
    expect(await api.exited()).to.equal(0);

    const web = startServe(data.env, ['--roles', 'web']);
    const [, webUrl] = await web.waitFor(/HTTP\s+(http:\/\/\S+)/);
    expect((await fetch(`${webUrl}/api/v1/indicators`, { headers: { authorization: `Bearer ${token}` } })).status).to.equal(404);
    expect((await fetch(`${webUrl}/api/v1/health`)).status).to.equal(200);
    web.child.kill('SIGTERM');
    expect(await web.exited()).to.equal(0);
  });
});
