import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PASSWORD, signUpAndLogin, uniqueEmail } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

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
