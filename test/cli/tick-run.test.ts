import { runTickCommand } from '../../src/cli/tick-run';

describe('bench tick options', () => {
  const bad: [string, string[], RegExp][] = [
    ['an unknown forecaster', ['--forecaster', 'prophet'], /--forecaster: "prophet" is not aquatope or a candidate forecaster \(known: aquatope-tail\)/],
    ['zero ticks', ['--ticks', '0'], /--ticks/],
    ['a stray argument', ['extra'], /unexpected argument "extra"/],
  ];
  it.each(bad)('rejects %s before reading any trace, naming it', async (_label, args, message) => {
    await expect(runTickCommand([...args, '--trace', '/nonexistent/trace.csv'])).rejects.toThrow(message);
  });
});
