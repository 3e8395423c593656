import test from 'ava';
import { Client } from '../../lib/testing/index.js';
import { shop } from '../../examples/readme-framework.js';

test("the README's framework example answers as the README says", async (t) => {
  const response = await new Client(shop).get('/items/42/');
  t.is(response.status, 200);
  t.is(response.headers.get('X-Powered-By'), 'tsgi');
  t.deepEqual(response.json(), { id: 42, self: '/items/42/' });
});

test("the README's framework example answers 404 for an id that is not an int", async (t) => {
  const response = await new Client(shop).get('/items/forty-two/');
  t.is(response.status, 404);
});
