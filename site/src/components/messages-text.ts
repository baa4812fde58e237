/** How a chat prompt's messages read in a diff. */
export function messagesAsText(messages: readonly { role: string; content: string }[]): string {
  return messages.map((message) => `── ${message.role} ──\n${message.content}`).join("\n\n");
}
