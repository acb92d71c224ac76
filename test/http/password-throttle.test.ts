// Password guessing: throttled per account and client, per client and per
// account; each attempt reserved before the hash is checked (issue 11, #7), and
// a stranger with only the email cannot keep the owner out (issue 11, #3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PASSWORD_LIMITS } from '../../src/infra/password-throttle.ts';
import { PASSWORD, passwordStepFrom, randomIp, signUpAndLogin, uniqueEmail } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness, type Reply } from '../support/harness.ts';

async function login(
  h: Harness,
  email: string,
  password: string,
  ip: string,
): Promise<Pick<Reply, 'status' | 'body'> & { retryAfter: number }> {
  const reply = await passwordStepFrom(h, email, password, ip);
  return { status: reply.status, body: reply.body, retryAfter: Number(reply.headers['retry-after']) };
}

const { perClient, accountCeiling } = PASSWORD_LIMITS;

function passwordThrottleTests(h: Harness): void {
  test(`a burst of 50 concurrent wrong passwords reaches the hash at most ${perClient.points} times`, async () => {
    const user = await signUpAndLogin(h);
    const ip = randomIp();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => login(h, user.email, `wrong password ${i}`, ip)),
    );
    const checked = answers.filter((a) => a.status === 401).length;
    const refused = answers.filter((a) => a.status === 429).length;
    assert.equal(checked + refused, 50, JSON.stringify(answers.map((a) => a.status)));
    assert.ok(checked <= perClient.points, `${checked} wrong passwords were checked`);
    assert.ok(checked >= 1);
  });

  test('a right password is not a failure: it gives its attempt back', async () => {
    const user = await signUpAndLogin(h);
    const ip = randomIp();
    for (let i = 0; i < perClient.points - 1; i += 1) {
      assert.equal((await login(h, user.email, `wrong password ${i}`, ip)).status, 401);
    }
    for (let i = 0; i < 3; i += 1) assert.equal((await login(h, user.email, PASSWORD, ip)).status, 200);
    assert.equal((await login(h, user.email, 'wrong password last', ip)).status, 401);
    assert.equal((await login(h, user.email, 'wrong password after', ip)).status, 429);
  });

  test("a stranger hammering the email from one network does not keep the owner's right password out", async () => {
    const user = await signUpAndLogin(h);
    const stranger = randomIp();
    for (let i = 0; i <= perClient.points; i += 1) await login(h, user.email, `wrong password ${i}`, stranger);
    const refused = await login(h, user.email, PASSWORD, stranger);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'rate_limited');
    assert.equal(refused.body.scope, 'client');
    assert.match(refused.body.detail, /from your network/);
    assert.ok(refused.retryAfter > 0 && refused.retryAfter <= perClient.seconds);
    assert.equal(refused.body.retryAfter, refused.retryAfter);
    assert.ok(Date.parse(refused.body.retryAt) > h.clock.now().getTime());
    // The owner, from anywhere else (even a network never seen before), signs in.
    assert.equal((await login(h, user.email, PASSWORD, randomIp())).status, 200);
  });

  test('past the account-wide ceiling only clients that signed in before may still try, and the 429 says so', async () => {
    const user = await signUpAndLogin(h);
    const home = randomIp();
    assert.equal((await login(h, user.email, PASSWORD, home)).status, 200);
    // A distributed guesser: many networks, each under its own limit.
    const networks = Math.ceil(accountCeiling.points / perClient.points);
    for (let n = 0; n < networks; n += 1) {
      const ip = randomIp();
      await Promise.all(
        Array.from({ length: perClient.points }, (_, i) => login(h, user.email, `guess ${n}-${i}`, ip)),
      );
    }
    const elsewhere = await login(h, user.email, PASSWORD, randomIp());
    assert.equal(elsewhere.status, 429, JSON.stringify(elsewhere.body));
    assert.equal(elsewhere.body.scope, 'account');
    assert.match(elsewhere.body.detail, /signed in to it before/);
    assert.ok(elsewhere.retryAfter > 0);
    // Guessing from a new network gets no further: no hash is checked.
    assert.equal((await login(h, user.email, 'one more guess', randomIp())).status, 429);
    // The owner at home is not locked out.
    assert.equal((await login(h, user.email, PASSWORD, home)).status, 200);
  });
}

describeOnEachDatabase('password throttle, in memory', passwordThrottleTests);
describeOnEachDatabase('password throttle, in Redis', { redis: true }, passwordThrottleTests);

describeOnEachDatabase('password guessing is throttled per account', { only: ['sqlite'] }, (h) => {
  test('10 wrong passwords lock the password step with 429 and Retry-After, even for the right one', async () => {
    const user = await signUpAndLogin(h);
    for (let i = 0; i < 10; i += 1) {
      const wrong = await h.call('POST', '/v1/sessions', {
        body: { email: user.email, password: `wrong password ${i}` },
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.code, 'invalid_credentials');
    }
    const right = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(right.status, 429);
    assert.equal(right.body.code, 'rate_limited');
    assert.ok(Number(right.headers['retry-after']) > 0);
  });

  test('an unknown email is throttled the same way (no enumeration)', async () => {
    const email = uniqueEmail('ghost');
    const answers = [];
    for (let i = 0; i < 11; i += 1) {
      answers.push((await h.call('POST', '/v1/sessions', { body: { email, password: `wrong password ${i}` } })).status);
    }
    assert.deepEqual(answers, [...Array(10).fill(401), 429]);
  });
});

describeOnEachDatabase('passwords are Unicode-normalised (NIST SP 800-63B-4 §3.1.1.2)', { only: ['sqlite'] }, (h) => {
  test('a password typed in decomposed form matches the composed one', async () => {
    const email = uniqueEmail('unicode');
    const composed = 'caf\u00e9 au lait s\u00fbr';
    const decomposed = composed.normalize('NFD');
    assert.notEqual(composed, decomposed);
    assert.equal((await h.call('POST', '/v1/accounts', { body: { email, password: composed } })).status, 201);
    const login = await h.call('POST', '/v1/sessions', { body: { email, password: decomposed } });
    assert.equal(login.status, 200);
  });
});
