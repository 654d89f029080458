// An ESLint formatter that prints the results as `-f json` does, minus the source text of
// every file, which can push the output of a large change past the runner's output cap.
module.exports = (results) =>
  JSON.stringify(
    results.map((result) => ({
      filePath: result.filePath,
      messages: result.messages.map(({ line, message, ruleId, severity, fatal }) => ({ line, message, ruleId, severity, fatal })),
    })),
  );
