"""Mailings to tenants that rest on the landlord's legitimate interest (satisfaction
surveys, the newsletter): who may receive them. A tenant who objected (Art. 21) is left
out here, where the list is made, so no mailing can reach them."""
