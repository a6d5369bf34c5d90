"""Messages (issue 18 §1): what Ilja tells a person, written to a durable outbox in the same
transaction as the decision it tells about, and delivered by ``ilja worker`` to the in-app
inbox ("내 알림"), e-mail over SMTP, and SMS or 카카오 알림톡 through a provider."""
