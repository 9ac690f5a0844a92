"""Teams: teams, assignments, activities and service hours."""
