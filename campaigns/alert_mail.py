"""Alert e-mails: immediately to the managers who asked, or as a daily digest."""
