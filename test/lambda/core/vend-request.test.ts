import { InvalidRequestError, InvalidScopeError, RequestTooLargeError } from '../../../lambda/core/errors';
import { parseVendBody, parseVendQuery } from '../../../lambda/core/vend-request';

describe('parseVendBody', () => {
  it('treats a missing or blank body as a request for the defaults', () => {
    expect(parseVendBody(null)).toEqual({});
    expect(parseVendBody('  ')).toEqual({});
  });

  it('parses scope, duration and region', () => {
    const body = JSON.stringify({
      scope: [{ bucket: 'credvend-data', prefix: 'tenants/acme/reports/', access: ['read', 'list'] }],
      durationSeconds: 1800,
      region: 'eu-west-1',
    });
    expect(parseVendBody(body)).toEqual({
      scope: [{ bucket: 'credvend-data', prefix: 'tenants/acme/reports/', access: ['read', 'list'] }],
      durationSeconds: 1800,
      region: 'eu-west-1',
    });
  });

  it.each([
    ['not JSON', '{', 'The request body is not valid JSON.'],
    ['an array', '[]', 'The request body must be a JSON object.'],
    ['a string', '"x"', 'The request body must be a JSON object.'],
    ['null', 'null', 'The request body must be a JSON object.'],
    ['an unknown key', '{"roleArn":"x"}', 'request: Unrecognized key: "roleArn"'],
    [
      'a string duration',
      '{"durationSeconds":"900"}',
      'durationSeconds: Invalid input: expected number, received string',
    ],
    [
      'a fractional duration',
      '{"durationSeconds":900.5}',
      'durationSeconds: must be a whole number of seconds',
    ],
    ['a negative duration', '{"durationSeconds":-1}', 'durationSeconds: Too small: expected number to be >0'],
    ['a region that is not one', '{"region":"mars-1"}', 'region: is not an AWS region name'],
  ])('refuses %s with INVALID_REQUEST', (_, body, message) => {
    const call = () => parseVendBody(body);
    expect(call).toThrow(InvalidRequestError);
    expect(call).toThrow(message);
  });

  it.each([
    ['a wildcard', 'tenants/acme/*'],
    ['a question mark', 'tenants/ac?e/'],
    ['a policy variable', 'tenants/${aws:username}/'],
    ['a parent segment', 'tenants/acme/../globex/'],
    ['a dot segment', 'tenants/./acme/'],
    ['an empty segment', 'tenants//acme/'],
    ['a leading slash', '/tenants/acme/'],
    ['no trailing slash', 'tenants/acme'],
    ['a quote', 'tenants/ac"me/'],
    ['a control character', 'tenants/ac\u0000me/'],
    ['a look-alike letter', 'tenants/аcme/'],
    ['percent-encoding', 'tenants/%2e%2e/'],
  ])('refuses a prefix with %s as INVALID_SCOPE', (_, prefix) => {
    const call = () => parseVendBody(JSON.stringify({ scope: [{ prefix }] }));
    expect(call).toThrow(InvalidScopeError);
    expect(call).toThrow(/^scope\.0\.prefix: must be key-prefix segments/);
  });

  it('refuses unknown access levels and repeated ones as INVALID_SCOPE', () => {
    expect(() => parseVendBody('{"scope":[{"access":["admin"]}]}')).toThrow(InvalidScopeError);
    expect(() => parseVendBody('{"scope":[{"access":["read","read"]}]}')).toThrow('must not repeat a level');
  });

  it('refuses an empty scope list rather than reading it as "everything"', () => {
    expect(() => parseVendBody('{"scope":[]}')).toThrow(InvalidScopeError);
  });

  it('refuses a body over 16 KiB', () => {
    const call = () => parseVendBody(JSON.stringify({ region: 'x'.repeat(17 * 1024) }));
    expect(call).toThrow(RequestTooLargeError);
    expect(call).toThrow('The request body must not exceed 16384 bytes.');
  });
});

describe('parseVendQuery', () => {
  it('reads one scope entry, a duration and a region from query parameters', () => {
    expect(
      parseVendQuery({
        prefix: ['tenants/acme/reports/'],
        access: ['read,list'],
        durationSeconds: ['1200'],
        region: ['us-east-1'],
      }),
    ).toEqual({
      scope: [{ prefix: 'tenants/acme/reports/', access: ['read', 'list'] }],
      durationSeconds: 1200,
      region: 'us-east-1',
    });
  });

  it('asks for the defaults when there are no parameters', () => {
    expect(parseVendQuery({})).toEqual({});
  });

  it.each([
    [{ durationSeconds: ['12.5'] }, 'durationSeconds must be a whole number of seconds.'],
    [{ durationSeconds: ['1e4'] }, 'durationSeconds must be a whole number of seconds.'],
    [{ region: ['eu-west-1', 'us-east-1'] }, 'Query parameter "region" must be given once.'],
    [{ roleArn: ['x'] }, 'Unknown query parameter "roleArn".'],
  ])('refuses %j', (query, message) => {
    const call = () => parseVendQuery(query);
    expect(call).toThrow(InvalidRequestError);
    expect(call).toThrow(message);
  });

  it('applies the same scope rules as the body', () => {
    expect(() => parseVendQuery({ prefix: ['tenants/*/'] })).toThrow(InvalidScopeError);
    expect(() => parseVendQuery({ access: ['read,'] })).toThrow(InvalidScopeError);
  });
});
