import { NoBodyPipe } from './no-body.pipe';

describe('NoBodyPipe', () => {
  const pipe = new NoBodyPipe();

  it.each([undefined, null, {}])('accepts %p', (body) => {
    expect(() => pipe.transform(body)).not.toThrow();
  });

  it('names every unknown field', () => {
    expect(() => pipe.transform({ a: 1, b: 2 })).toThrow(
      expect.objectContaining({
        response: expect.objectContaining({
          message: ['property a should not exist', 'property b should not exist'],
        }),
      }),
    );
  });

  it.each(['text', '', [], 5, true])('refuses a body that is not an object: %p', (body) => {
    expect(() => pipe.transform(body)).toThrow('the request body must be empty or a JSON object');
  });
});
