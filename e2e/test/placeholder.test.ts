// Replaced by the end-to-end suites (issue 5); keeps the e2e project non-empty meanwhile.
describe('e2e project', () => {
  it('is wired into jest', () => {
    expect(require.resolve('../../packages/controller/dist/main.js')).toMatch(/main\.js$/);
  });
});
