"""The agent runtime: tools, model clients (OpenAI SDK and the offline engine), the turn loop."""
