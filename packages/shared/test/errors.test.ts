import { AppError, ERROR_CODES, httpStatusOf } from '@graphium/shared';

describe('error catalogue', () => {
  it.each(ERROR_CODES)('%s maps to an HTTP error status', (code) => {
    const status = httpStatusOf(code);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
  });

  it('renders the one wire shape, with details only when present', () => {
    expect(new AppError('NOT_FOUND', 'no stack s1').toBody()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no stack s1' },
    });
    const err = new AppError('VALIDATION_FAILED', 'bad', { details: { issues: [] } });
    expect(err.status).toBe(422);
    expect(err.toBody().error.details).toEqual({ issues: [] });
  });
});
