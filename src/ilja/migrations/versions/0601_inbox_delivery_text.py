"""Messages: a delivery's subject and body may be NULL — the message's own text, not a copy (issue 20 §2).

Revision ID: 0601
Revises: 0600

The inbox's delivery is written delivered and never sent: the citizen's inbox reads the message
itself. Its copy of the message's subject and body was a third copy of a decision's reasons (the
decision, the message, the delivery), a quarter of what an import of not-eligible applications
wrote. A delivery's text is now NULL where it is the message's; a channel with text of its own
(SMS, 알림톡) still keeps it. The downgrade writes the message's text back into those rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0601"
down_revision = "0600"
branch_labels = None
depends_on = None

T = "messages_deliveries"


def _nullable(null: bool) -> None:
    with op.batch_alter_table(T) as batch:
        batch.alter_column("subject", existing_type=sa.String(300), nullable=null)
        batch.alter_column("body", existing_type=sa.Text(), nullable=null)


def upgrade() -> None:
    _nullable(True)


def downgrade() -> None:
    for name in ("subject", "body"):
        op.execute(f"UPDATE {T} SET {name} = (SELECT m.{name} FROM messages_outbox AS m WHERE m.id = {T}.message_id) "
                   f"WHERE {name} IS NULL")
    _nullable(False)
